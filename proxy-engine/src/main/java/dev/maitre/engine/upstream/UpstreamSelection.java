package dev.maitre.engine.upstream;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.PickContext;
import dev.maitre.api.health.Outcome;

/**
 * The upstream side of one request (HTTP) or one connection (L4): which backend each try goes to,
 * how many tries are left, and how each one ended. Every protocol picks, retries, counts active
 * requests and reports outcomes through this one class, so that health, metrics and the balancers
 * see the same thing whatever the listener.
 *
 * <p>It is the balancer's {@link PickContext}: backends already tried are excluded, and the hash key
 * is asked of the {@link Subject} once, at the first pick that needs it. Confined to one event loop;
 * nothing is allocated per pick. An HTTP exchange kept for reuse starts it over for each request
 * ({@link #begin}).
 */
public final class UpstreamSelection implements PickContext {

    /** What is being sent upstream, as far as a balancer needs to know it. */
    public interface Subject {
        /** The key a consistent-hash balancer places this request or connection by. */
        long hashKey();
    }

    private final Subject subject;
    private final TriedEndpoints tried = new TriedEndpoints(0);
    private Upstream upstream;
    private ClusterRuntime cluster;
    private long startNanos;

    private long hashKey;
    private boolean hashKeyKnown;
    private Endpoint endpoint;
    private long attemptStartNanos;
    private int tries;
    private boolean counted;

    public UpstreamSelection(Upstream upstream, ClusterRuntime cluster, Subject subject) {
        this(subject);
        begin(upstream, cluster);
    }

    /** A selection to {@link #begin} later. */
    public UpstreamSelection(Subject subject) {
        this.subject = subject;
    }

    /**
     * Starts over for a new request to {@code cluster}: nothing tried, the whole retry budget, no
     * hash key yet. The previous request let its backend go ({@link #releaseBackend}).
     */
    public void begin(Upstream upstream, ClusterRuntime cluster) {
        if (counted) {
            throw new IllegalStateException("the previous request still counts as active on " + endpoint);
        }
        this.upstream = upstream;
        this.cluster = cluster;
        this.startNanos = System.nanoTime();
        tried.reset(cluster.config().retries().attempts());
        hashKeyKnown = false;
        endpoint = null;
        tries = 0;
    }

    /** Whether the current try counts as an active request of its backend. */
    public boolean holdsBackend() {
        return counted;
    }

    public ClusterRuntime cluster() {
        return cluster;
    }

    /** The backend of the current try; {@code null} before the first pick. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Picks a backend not tried yet among those health allows and starts a try on it; {@code null} when
     * there is none.
     */
    public Endpoint pick() {
        Endpoint next = cluster.balancer().pick(upstream.health().eligible(cluster.name()), this);
        if (next != null) {
            tried.add(next);
            endpoint = next;
            attemptStartNanos = System.nanoTime();
            tries++;
        }
        return next;
    }

    /** Whether any backend was picked: none means there was no eligible backend at all. */
    public boolean pickedAny() {
        return !tried.isEmpty();
    }

    /** Takes one retry from the budget ({@code retries.attempts}) if any is left. */
    public boolean takeRetry() {
        return tried.takeRetry();
    }

    /** The current try starts over on a new connection to the same backend; its latency counts from now. */
    public void restartAttempt() {
        attemptStartNanos = System.nanoTime();
        tries++;
    }

    /** The tries after the first, a fresh connection to the same backend included. */
    public int retries() {
        return Math.max(0, tries - 1);
    }

    /** How long the current try has lasted at {@code nowNanos} ({@link System#nanoTime}); -1 before the first pick. */
    public long tryNanos(long nowNanos) {
        return endpoint == null ? -1 : nowNanos - attemptStartNanos;
    }

    /** The current try holds a backend connection: it counts as one of the backend's active requests. */
    public void holdBackend() {
        if (!counted) {
            counted = true;
            upstream.activeRequests().increment(endpoint.id());
        }
    }

    /** The current try let its backend connection go. */
    public void releaseBackend() {
        if (counted) {
            counted = false;
            upstream.activeRequests().decrement(endpoint.id());
        }
    }

    /** How the current try ended; {@code status} is the response status when there was one, else 0. */
    public void report(Outcome.Kind kind, int status) {
        report(kind, status, Outcome.NO_GRPC_STATUS);
    }

    /** As {@link #report(Outcome.Kind, int)}, for an answer that ended a gRPC call with {@code grpcStatus}. */
    public void report(Outcome.Kind kind, int status, int grpcStatus) {
        upstream.outcomes().onOutcome(new Outcome(cluster.name(), endpoint, kind, status,
                System.nanoTime() - attemptStartNanos, grpcStatus));
    }

    /** No backend could be tried at all. */
    public void reportNoBackend(int status) {
        upstream.outcomes().onOutcome(new Outcome(cluster.name(), null, Outcome.Kind.NO_BACKEND, status,
                System.nanoTime() - startNanos));
    }

    @Override
    public boolean isExcluded(Endpoint candidate) {
        return tried.contains(candidate);
    }

    @Override
    public int activeRequests(Endpoint candidate) {
        return upstream.activeRequests().of(candidate.id());
    }

    @Override
    public long hashKey() {
        if (!hashKeyKnown) {
            hashKey = subject.hashKey();
            hashKeyKnown = true;
        }
        return hashKey;
    }
}
