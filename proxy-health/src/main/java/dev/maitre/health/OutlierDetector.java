package dev.maitre.health;

import dev.maitre.api.config.Durations;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.api.health.HealthState;
import dev.maitre.api.health.Outcome;
import dev.maitre.health.time.HealthScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Passive outlier detection for one cluster. It counts each backend's failed requests in a row (connect
 * failures, resets, timeouts, invalid answers, 5xx), as the data plane reports them, and ejects a
 * backend that reaches {@code consecutiveFailures}: for {@code ejectionTime} times the number of its
 * recent ejections, at most {@value #MAX_MULTIPLIER} times. The count of recent ejections drops by one
 * for every {@code ejectionTime} the backend then stays in. An ejected backend returns when its time
 * is over or when it passes an active check. No more than {@code maxEjectionPercent} of the cluster
 * is ejected at once, but one backend always may be.
 *
 * <p>Counting is lock-free; only an ejection and its end take the detector's lock.
 */
final class OutlierDetector {

    static final int MAX_MULTIPLIER = 10;

    private final String cluster;
    private final List<TrackedBackend> backends;
    private final int threshold;
    private final long ejectionNanos;
    private final int maxEjectionPercent;
    private final HealthScheduler scheduler;
    private final Consumer<HealthEvent> changes;
    /** Written under the lock, read without it to keep hopeless ejections off the lock. */
    private final AtomicInteger ejectedCount = new AtomicInteger();
    private boolean closed;

    OutlierDetector(String cluster, List<TrackedBackend> backends, OutlierDetectionConfig config,
                    HealthScheduler scheduler, Consumer<HealthEvent> changes) {
        this.cluster = cluster;
        this.backends = List.copyOf(backends);
        this.threshold = config.consecutiveFailures();
        this.ejectionNanos = config.ejectionTime().toNanos();
        this.maxEjectionPercent = config.maxEjectionPercent();
        this.scheduler = scheduler;
        this.changes = changes;
    }

    /** Counts one request's outcome against or for {@code backend}; called on data-plane event loops. */
    void onOutcome(TrackedBackend backend, Outcome outcome) {
        EjectionState state = backend.ejection();
        if (outcome.isFailure()) {
            int failures = state.consecutiveFailures.incrementAndGet();
            if (failures < 0) {
                state.consecutiveFailures.set(threshold);
            }
            if (failures >= threshold && !state.ejected && mayEjectOneMore(ejectedCount.get())) {
                eject(backend, outcome);
            }
        } else if (outcome.kind() == Outcome.Kind.RESPONSE && state.consecutiveFailures.get() != 0) {
            state.consecutiveFailures.set(0);
        }
    }

    /** An active check of {@code backend} passed: an ejection ends early. */
    void onCheckPassed(TrackedBackend backend) {
        if (!backend.ejection().ejected) {
            return;
        }
        HealthEvent event;
        synchronized (this) {
            if (!backend.ejection().ejected) {
                return;
            }
            event = release(backend, "passed an active check");
        }
        changes.accept(event);
    }

    /** Ends every ejection's timer; the detector ejects nothing more. */
    synchronized void close() {
        closed = true;
        for (TrackedBackend backend : backends) {
            if (backend.ejection().returnTask != null) {
                backend.ejection().returnTask.cancel();
            }
        }
    }

    private boolean mayEjectOneMore(int ejected) {
        return ejected == 0 || (long) (ejected + 1) * 100 <= (long) maxEjectionPercent * backends.size();
    }

    private void eject(TrackedBackend backend, Outcome last) {
        EjectionState state = backend.ejection();
        HealthEvent event;
        synchronized (this) {
            if (closed || state.ejected || state.consecutiveFailures.get() < threshold
                    || !mayEjectOneMore(ejectedCount.get())) {
                return;
            }
            long now = scheduler.nanoTime();
            state.ejections = Math.min(MAX_MULTIPLIER, recentEjections(state, now) + 1);
            long durationNanos = ejectionNanos > Long.MAX_VALUE / state.ejections
                    ? Long.MAX_VALUE : ejectionNanos * state.ejections;
            state.ejected = true;
            ejectedCount.incrementAndGet();
            state.consecutiveFailures.set(0);
            state.untilMillis = scheduler.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(durationNanos);
            long epoch = ++state.epoch;
            state.returnTask = scheduler.schedule(() -> expire(backend, epoch), durationNanos);
            HealthState current = backend.state();
            event = new HealthEvent(scheduler.currentTimeMillis(), cluster, backend.address(), HealthEvent.Kind.EJECTED,
                    current, current, "ejected for " + Durations.format(Duration.ofNanos(durationNanos)) + ": "
                    + threshold + " consecutive failed requests, the last: " + describe(last));
        }
        changes.accept(event);
    }

    private void expire(TrackedBackend backend, long epoch) {
        HealthEvent event;
        synchronized (this) {
            EjectionState state = backend.ejection();
            if (closed || !state.ejected || state.epoch != epoch) {
                return;
            }
            event = release(backend, "ejection time over");
        }
        changes.accept(event);
    }

    /** Called under the lock. */
    private HealthEvent release(TrackedBackend backend, String reason) {
        EjectionState state = backend.ejection();
        state.ejected = false;
        ejectedCount.decrementAndGet();
        state.returnedAtNanos = scheduler.nanoTime();
        state.consecutiveFailures.set(0);
        state.untilMillis = 0;
        if (state.returnTask != null) {
            state.returnTask.cancel();
            state.returnTask = null;
        }
        HealthState current = backend.state();
        return new HealthEvent(scheduler.currentTimeMillis(), cluster, backend.address(), HealthEvent.Kind.RETURNED,
                current, current, "back from ejection: " + reason);
    }

    private int recentEjections(EjectionState state, long now) {
        if (state.ejections == 0) {
            return 0;
        }
        long quietPeriods = (now - state.returnedAtNanos) / ejectionNanos;
        return (int) Math.max(0, state.ejections - quietPeriods);
    }

    private static String describe(Outcome outcome) {
        return switch (outcome.kind()) {
            case RESPONSE -> "status " + outcome.status();
            case CONNECT_FAILURE -> "connect failure";
            case RESET -> "connection reset";
            case TIMEOUT -> "response timeout";
            case INVALID_RESPONSE -> "invalid response";
            case NO_BACKEND -> "no backend";
        };
    }
}
