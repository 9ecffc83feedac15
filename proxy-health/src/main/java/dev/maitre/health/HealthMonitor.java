package dev.maitre.health;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.Durations;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.api.config.Percentages;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthState;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.Outcome;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.health.check.CheckClient;
import dev.maitre.health.check.CheckResult;
import dev.maitre.health.check.CheckTls;
import dev.maitre.health.check.Checker;
import dev.maitre.health.check.CheckerFactory;
import dev.maitre.health.time.HealthScheduler;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which backends may get new requests, by the rules of DESIGN.md §3: active checks with rise
 * and fall, draining by an operator, passive outlier detection and panic routing. The data plane sees
 * it as a {@link HealthView} (immutable lists, read without a lock) and reports every attempt to it as
 * an {@link OutcomeListener}; the admin API reads {@link #snapshot()} and {@link #events()} and calls
 * {@link #drain} and {@link #enable}.
 *
 * <pre>{@code
 * HealthMonitor health = HealthMonitor.builder(config).listener(metrics::onHealthEvent).build();
 * health.start();
 * ProxyEngine engine = ProxyEngine.start(config, health, health);
 * }</pre>
 *
 * <p>On a reload, a new monitor is built for the new configuration, {@link Builder#inheritFrom
 * inheriting} what the old one knows, and the old one is closed.
 */
public final class HealthMonitor implements HealthView, OutcomeListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    /** How many events {@link #events()} keeps unless told otherwise. */
    public static final int DEFAULT_EVENT_LOG_SIZE = 1000;

    private final List<String> clusterOrder;
    private final Map<String, TrackedCluster> clusters;
    private final Map<BackendId, TrackedBackend> backends;
    private final Map<String, OutlierDetector> outliers;
    private final List<CheckTimeline> timelines;
    private final HealthScheduler scheduler;
    private final EventLog events;
    private final List<HealthEventListener> listeners;
    private final CheckClient ownClient;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HealthMonitor(Builder builder) {
        this.events = new EventLog(builder.eventLogSize);
        this.listeners = List.copyOf(builder.listeners);
        HealthMonitor previous = builder.previous;
        if (previous != null) {
            previous.events().forEach(events::add);
        }
        Map<String, TrackedCluster> clusterMap = new LinkedHashMap<>();
        Map<BackendId, TrackedBackend> backendMap = new HashMap<>();
        for (ClusterConfig cluster : builder.config.clusters()) {
            TrackedCluster tracked = new TrackedCluster(cluster, track(cluster, backendMap, previous));
            if (clusterMap.putIfAbsent(cluster.name(), tracked) != null) {
                throw new IllegalArgumentException("clusters: " + cluster.name()
                        + " is listed twice (expected: a name of its own for each cluster)");
            }
        }
        this.clusterOrder = List.copyOf(clusterMap.keySet());
        this.clusters = Map.copyOf(clusterMap);
        this.backends = Map.copyOf(backendMap);

        // made only once the configuration is known to be usable, so that a bad one leaves no thread behind
        this.ownClient = builder.scheduler == null || builder.checkers == null ? CheckClient.start() : null;
        this.scheduler = builder.scheduler != null ? builder.scheduler : ownClient.scheduler();
        CheckerFactory checkers = builder.checkers != null ? builder.checkers : ownClient;
        RandomGenerator random = builder.random != null ? builder.random : new SplittableRandom();
        Map<String, OutlierDetector> outlierMap = new HashMap<>();
        List<CheckTimeline> timelineList = new ArrayList<>();
        try {
            for (TrackedCluster cluster : clusterMap.values()) {
                ClusterConfig config = cluster.config();
                if (config.outlierDetection() != null) {
                    outlierMap.put(cluster.name(), new OutlierDetector(cluster.name(), cluster.backends(),
                            config.outlierDetection(), scheduler, this::publish));
                }
                HealthCheckConfig check = config.healthCheck();
                if (check != null) {
                    Checker checker = checkers.create(check, CheckTls.of(config, builder.clientTls), config.protocol(),
                            config.proxyProtocol());
                    timelineList.addAll(timelines(cluster.backends(), check, checker, random));
                }
            }
        } catch (RuntimeException e) {
            if (ownClient != null) {
                ownClient.close();
            }
            throw e;
        }
        this.outliers = Map.copyOf(outlierMap);
        this.timelines = List.copyOf(timelineList);
    }

    /** A monitor of {@code config}'s clusters, to be configured further and then {@link Builder#build built}. */
    public static Builder builder(ProxyConfig config) {
        return new Builder(config);
    }

    /**
     * Starts the active checks. The first checks of a cluster's N backends are spread over the first
     * interval: backend i is first checked i/N of an interval after the start.
     */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            return;
        }
        for (String name : clusterOrder) {
            logChecks(clusters.get(name).config());
        }
        timelines.forEach(CheckTimeline::start);
    }

    @Override
    public List<Endpoint> eligible(String cluster) {
        TrackedCluster tracked = clusters.get(cluster);
        return tracked == null ? List.of() : tracked.eligible();
    }

    /** Feeds passive outlier detection; called on data-plane event loops, takes no lock unless it ejects. */
    @Override
    public void onOutcome(Outcome outcome) {
        Endpoint endpoint = outcome.endpoint();
        if (endpoint == null || closed.get()) {
            return;
        }
        OutlierDetector detector = outliers.get(endpoint.cluster());
        if (detector == null) {
            return;
        }
        TrackedBackend backend = backends.get(endpoint.id());
        if (backend != null) {
            detector.onOutcome(backend, outcome);
        }
    }

    /**
     * Takes a backend out of rotation: it gets no new requests, in-flight ones finish, its checks go on.
     *
     * @return whether the cluster has that backend
     */
    public boolean drain(String cluster, HostPort backend) {
        return command(cluster, backend, tracked -> tracked.drain(scheduler.currentTimeMillis()));
    }

    /**
     * Ends draining: the backend takes the state its checks show.
     *
     * @return whether the cluster has that backend
     */
    public boolean enable(String cluster, HostPort backend) {
        return command(cluster, backend, tracked -> tracked.enable(scheduler.currentTimeMillis()));
    }

    /** Every cluster's health now, in configuration order. */
    public List<ClusterHealth> snapshot() {
        List<ClusterHealth> all = new ArrayList<>(clusterOrder.size());
        for (String name : clusterOrder) {
            all.add(clusters.get(name).snapshot());
        }
        return all;
    }

    /** One cluster's health now, if there is such a cluster. */
    public Optional<ClusterHealth> cluster(String name) {
        TrackedCluster tracked = clusters.get(name);
        return tracked == null ? Optional.empty() : Optional.of(tracked.snapshot());
    }

    /** The most recent events, oldest first, newest last. */
    public List<HealthEvent> events() {
        return events.toList();
    }

    /** Stops the checks and ejection timers, and the check client if the monitor made it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timelines.forEach(CheckTimeline::stop);
        outliers.values().forEach(OutlierDetector::close);
        if (ownClient != null) {
            ownClient.close();
        }
    }

    private boolean command(String cluster, HostPort address, Function<TrackedBackend, Optional<HealthEvent>> action) {
        TrackedBackend backend = backends.get(new BackendId(cluster, address));
        if (backend == null) {
            return false;
        }
        action.apply(backend).ifPresent(this::publish);
        return true;
    }

    private void onCheck(TrackedBackend backend, CheckResult result) {
        backend.recordCheck(result, scheduler.currentTimeMillis()).ifPresent(this::publish);
        OutlierDetector detector = outliers.get(backend.id().cluster());
        if (result.ok() && detector != null) {
            detector.onCheckPassed(backend);
        }
    }

    /** Puts a change into effect for new requests first, then records and tells it. */
    private void publish(HealthEvent event) {
        clusters.get(event.cluster()).republish();
        events.add(event);
        if (event.kind() == HealthEvent.Kind.TRANSITION && event.to() == HealthState.UNHEALTHY
                || event.kind() == HealthEvent.Kind.EJECTED) {
            log.warn(event.describe());
        } else {
            log.info(event.describe());
        }
        for (HealthEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("health event listener {} failed on {}", listener, event, e);
            }
        }
    }

    /**
     * The backends of {@code cluster}, each also put in {@code all}; those that {@code previous} tracked
     * already go on from where they were.
     */
    private static List<TrackedBackend> track(ClusterConfig cluster, Map<BackendId, TrackedBackend> all,
                                              HealthMonitor previous) {
        HealthCheckConfig check = cluster.healthCheck();
        List<TrackedBackend> tracked = new ArrayList<>(cluster.backends().size());
        for (BackendConfig backend : cluster.backends()) {
            BackendId id = new BackendId(cluster.name(), backend.address());
            HealthStateMachine machine = check != null
                    ? new HealthStateMachine(id, check.unhealthyThreshold(), check.healthyThreshold(), check.initialState())
                    : new HealthStateMachine(id, 1, 1, HealthState.HEALTHY);
            TrackedBackend trackedBackend = new TrackedBackend(new Endpoint(id, backend.weight()), machine);
            TrackedBackend before = previous == null ? null : previous.backends.get(id);
            if (before != null) {
                // the checks' verdict only means something if the backend was checked before and still is
                boolean checkedBefore = previous.clusters.get(cluster.name()).config().healthCheck() != null;
                trackedBackend.continueFrom(before, check != null && checkedBefore);
            }
            if (all.putIfAbsent(id, trackedBackend) != null) {
                throw new IllegalArgumentException("cluster " + cluster.name() + ": backend " + backend.address()
                        + " is listed twice (expected: each address once per cluster)");
            }
            tracked.add(trackedBackend);
        }
        return tracked;
    }

    /** One timeline per backend; the first checks of N backends are spread over the first interval. */
    private List<CheckTimeline> timelines(List<TrackedBackend> backends, HealthCheckConfig check, Checker checker,
                                          RandomGenerator random) {
        long interval = check.interval().toNanos();
        List<CheckTimeline> list = new ArrayList<>(backends.size());
        for (int i = 0; i < backends.size(); i++) {
            list.add(new CheckTimeline(backends.get(i), checker, scheduler, interval / backends.size() * i, interval,
                    check.jitter(), random, this::onCheck));
        }
        return list;
    }

    private static void logChecks(ClusterConfig cluster) {
        HealthCheckConfig check = cluster.healthCheck();
        if (check != null) {
            String probe = Checker.describe(check, cluster.protocol());
            log.info("cluster {}: {} every {}{}, timeout {}; unhealthy after {} failures, healthy after {} successes{}",
                    cluster.name(), probe, Durations.format(check.interval()),
                    check.jitter() > 0 ? " ±" + Percentages.format(check.jitter()) : "",
                    Durations.format(check.timeout()), check.unhealthyThreshold(), check.healthyThreshold(),
                    check.initialState() == HealthState.UNHEALTHY ? "; starting unhealthy" : "");
        }
        OutlierDetectionConfig outlier = cluster.outlierDetection();
        if (outlier != null) {
            log.info("cluster {}: outlier detection ejects after {} failed requests in a row, for {} times its recent "
                    + "ejections, at most {}% of the backends at once", cluster.name(), outlier.consecutiveFailures(),
                    Durations.format(outlier.ejectionTime()), outlier.maxEjectionPercent());
        }
    }


    /** Configures a {@link HealthMonitor}; by default it makes and owns a {@link CheckClient}. */
    public static final class Builder {

        private final ProxyConfig config;
        private HealthScheduler scheduler;
        private CheckerFactory checkers;
        private RandomGenerator random;
        private int eventLogSize = DEFAULT_EVENT_LOG_SIZE;
        private final List<HealthEventListener> listeners = new ArrayList<>();
        private HealthMonitor previous;
        private Function<String, SslContext> clientTls;

        private Builder(ProxyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The clock and timer to run on; by default those of the monitor's own check client. */
        public Builder scheduler(HealthScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Makes the checkers; by default the monitor's own check client. */
        public Builder checkers(CheckerFactory checkers) {
            this.checkers = Objects.requireNonNull(checkers, "checkers");
            return this;
        }

        /**
         * The client TLS context of each cluster with {@code tls}, by cluster name: the one its requests
         * use, so that its checks trust, name and present the same. Needed when such a cluster is
         * actively checked.
         */
        public Builder clientTls(Function<String, SslContext> contexts) {
            this.clientTls = Objects.requireNonNull(contexts, "contexts");
            return this;
        }

        /** The source of jitter; by default an unseeded {@link SplittableRandom}. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** How many events {@link HealthMonitor#events()} keeps; 1000 by default. */
        public Builder eventLogSize(int eventLogSize) {
            if (eventLogSize < 1) {
                throw new IllegalArgumentException("eventLogSize: " + eventLogSize + " (expected: >= 1)");
            }
            this.eventLogSize = eventLogSize;
            return this;
        }

        /** Adds a listener told every event, after it took effect. */
        public Builder listener(HealthEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Goes on from what {@code previous}, the monitor of the configuration being replaced, knows now:
         * backends it tracked keep their state, draining, check counts and last check (the counts and
         * the checks' verdict only when their cluster is actively checked in both configurations), and
         * its events stay in the log. Ejections end with the old monitor. Build the new monitor before
         * closing the old one.
         */
        public Builder inheritFrom(HealthMonitor previous) {
            this.previous = Objects.requireNonNull(previous, "previous");
            return this;
        }

        public HealthMonitor build() {
            return new HealthMonitor(this);
        }
    }

    @Override
    public String toString() {
        return "HealthMonitor" + clusterOrder;
    }
}
