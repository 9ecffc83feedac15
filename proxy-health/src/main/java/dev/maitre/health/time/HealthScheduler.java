package dev.maitre.health.time;

import io.netty.util.concurrent.EventExecutor;

/**
 * The clock and timer that health checking runs on. Injected, so that the timing rules are tested on
 * virtual time instead of by sleeping. Implementations are safe to call from any thread and run their
 * tasks one at a time, so that what only tasks touch (the jitter's random source, a backend's next
 * check time) needs no lock.
 */
public interface HealthScheduler {

    /** A monotonic time in nanoseconds, for intervals and deadlines. */
    long nanoTime();

    /** The wall-clock time in milliseconds since the epoch, for events and snapshots. */
    long currentTimeMillis();

    /** Runs {@code task} once, {@code delayNanos} from now (at once when it is 0 or less). */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduler whose tasks run on {@code executor}, on the system clocks. */
    static HealthScheduler on(EventExecutor executor) {
        return new EventExecutorScheduler(executor);
    }
}
