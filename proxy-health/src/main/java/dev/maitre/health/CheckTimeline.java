package dev.maitre.health;

import dev.maitre.health.check.CheckResult;
import dev.maitre.health.check.Checker;
import dev.maitre.health.time.Cancellable;
import dev.maitre.health.time.HealthScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * The active checks of one backend, at a fixed rate: each check starts {@code interval·(1±jitter)},
 * drawn uniformly, after the previous one started, whether or not that one has ended. Every backend
 * has a timeline of its own and a check never waits for another, so a hung backend delays no one;
 * the check's own timeout ends it.
 */
final class CheckTimeline {

    private final TrackedBackend backend;
    private final Checker checker;
    private final HealthScheduler scheduler;
    private final long firstDelayNanos;
    private final long intervalNanos;
    private final double jitter;
    private final RandomGenerator random;
    private final BiConsumer<TrackedBackend, CheckResult> results;
    private long nextStartNanos;
    private volatile Cancellable pending;
    private volatile boolean stopped;

    CheckTimeline(TrackedBackend backend, Checker checker, HealthScheduler scheduler, long firstDelayNanos,
                  long intervalNanos, double jitter, RandomGenerator random,
                  BiConsumer<TrackedBackend, CheckResult> results) {
        this.backend = backend;
        this.checker = checker;
        this.scheduler = scheduler;
        this.firstDelayNanos = firstDelayNanos;
        this.intervalNanos = intervalNanos;
        this.jitter = jitter;
        this.random = random;
        this.results = results;
    }

    /** Schedules the first check, {@code firstDelayNanos} from now. */
    void start() {
        nextStartNanos = scheduler.nanoTime() + firstDelayNanos;
        pending = scheduler.schedule(this::run, firstDelayNanos);
    }

    void stop() {
        stopped = true;
        Cancellable next = pending;
        if (next != null) {
            next.cancel();
        }
    }

    private void run() {
        if (stopped) {
            return;
        }
        long now = scheduler.nanoTime();
        nextStartNanos += nextWait();
        if (nextStartNanos <= now) {
            // the scheduler fell behind by more than a whole wait: skip the missed checks, do not burst
            nextStartNanos = now + nextWait();
        }
        pending = scheduler.schedule(this::run, nextStartNanos - now);
        CompletableFuture<CheckResult> check;
        try {
            check = checker.check(backend.address());
        } catch (RuntimeException e) {
            check = CompletableFuture.completedFuture(CheckResult.failed("check could not start: " + e, 0));
        }
        check.whenComplete((result, error) -> {
            if (!stopped) {
                results.accept(backend, result != null ? result : CheckResult.failed("check failed: " + error, 0));
            }
        });
    }

    /** {@code interval·(1±jitter)}, uniformly distributed. */
    private long nextWait() {
        if (jitter == 0) {
            return intervalNanos;
        }
        return Math.round(intervalNanos * (1 + jitter * (2 * random.nextDouble() - 1)));
    }
}
