package dev.maitre.engine.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a client connection, shared by its request-header, idle and response timeouts.
 * Setting and clearing a timeout on every request would schedule and cancel a task on the event
 * loop each time; instead one task stays pending. It fires no later than the current deadline and,
 * when the deadline moved later meanwhile, waits again for what is left; only a deadline earlier
 * than the pending task reschedules it. Confined to the connection's event loop, whose ticker it
 * reads time from: the clock its tasks are scheduled by, and a virtual one in tests.
 */
final class ConnectionDeadline implements Runnable {

    private final EventExecutor executor;
    private final Ticker ticker;
    private final Owner owner;

    private boolean armed;
    private long deadlineNanos;
    private ScheduledFuture<?> task;
    private long taskAtNanos;

    ConnectionDeadline(EventExecutor executor, Owner owner) {
        this.executor = executor;
        this.ticker = executor.ticker();
        this.owner = owner;
    }

    /** Whom an expiry is told; the connection itself, so that no callback object is kept per connection. */
    interface Owner {
        void onDeadline();
    }

    /** Expires {@code delayNanos} from now, replacing any deadline set before. */
    void set(long delayNanos) {
        long deadline = ticker.nanoTime() + delayNanos;
        armed = true;
        deadlineNanos = deadline;
        if (task == null || taskAtNanos - deadline > 0) {
            if (task != null) {
                task.cancel(false);
            }
            schedule(deadline, delayNanos);
        }
    }

    /** No deadline until the next {@link #set}; a pending task stays and finds nothing to do. */
    void clear() {
        armed = false;
    }

    /** The connection is gone: no deadline and no pending task. */
    void stop() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public void run() {
        task = null;
        if (!armed) {
            return;
        }
        long left = deadlineNanos - ticker.nanoTime();
        if (left > 0) {
            schedule(deadlineNanos, left);
            return;
        }
        armed = false;
        owner.onDeadline();
    }

    private void schedule(long deadline, long delayNanos) {
        taskAtNanos = deadline;
        task = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
