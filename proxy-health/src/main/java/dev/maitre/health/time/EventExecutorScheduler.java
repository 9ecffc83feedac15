package dev.maitre.health.time;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** A {@link HealthScheduler} on a Netty executor and the system clocks. */
final class EventExecutorScheduler implements HealthScheduler {

    private final EventExecutor executor;

    EventExecutorScheduler(EventExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> future;
        try {
            future = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: nothing scheduled now would be run anyway
            return () -> { };
        }
        return () -> future.cancel(false);
    }
}
