package dev.maitre.engine.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a client connection, shared by all its timeouts; each deadline says what it
 * stands for ({@link Kind}), and an expiry tells the owner which one lapsed.
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

    /** What the current deadline stands for; null when none is set. */
    private Kind kind;
    private long deadlineNanos;
    private ScheduledFuture<?> task;
    private long taskAtNanos;

    ConnectionDeadline(EventExecutor executor, Owner owner) {
        this.executor = executor;
        this.ticker = executor.ticker();
        this.owner = owner;
    }

    /** What a client connection waits for when its deadline is set. */
    enum Kind {
        /** The rest of a request head that has begun, or the first byte of a new connection's. */
        HEAD,
        /** The next request on a kept-alive connection. */
        IDLE,
        /** The current exchange's own timeouts (response, client progress, per try). */
        EXCHANGE,
        /** The client taking the answers written so far, before the next request starts. */
        CLIENT,
        /** A graceful close the client does not let finish. */
        CLOSING
    }

    /** Whom an expiry is told; the connection itself, so that no callback object is kept per connection. */
    interface Owner {
        void onDeadline(Kind kind);
    }

    /** Expires {@code delayNanos} from now as {@code what}, replacing any deadline set before. */
    void set(long delayNanos, Kind what) {
        long deadline = ticker.nanoTime() + delayNanos;
        kind = what;
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
        kind = null;
    }

    /** Clears the deadline if it stands for {@code what}; one of another kind stays. */
    void clear(Kind what) {
        if (kind == what) {
            kind = null;
        }
    }

    /** What the current deadline stands for; null when none is set. */
    Kind kind() {
        return kind;
    }

    /** The connection is gone: no deadline and no pending task. */
    void stop() {
        kind = null;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public void run() {
        task = null;
        Kind expired = kind;
        if (expired == null) {
            return;
        }
        long left = deadlineNanos - ticker.nanoTime();
        if (left > 0) {
            schedule(deadlineNanos, left);
            return;
        }
        kind = null;
        owner.onDeadline(expired);
    }

    private void schedule(long deadline, long delayNanos) {
        taskAtNanos = deadline;
        task = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
