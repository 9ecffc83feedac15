package dev.maitre.engine.http;

import io.netty.util.concurrent.EventExecutor;

/**
 * The one timer of a client connection, shared by all its timeouts; each deadline says what it
 * stands for ({@link Kind}), and an expiry tells the owner which one lapsed.
 * Setting and clearing a timeout on every request would move the connection's wake-up each time;
 * instead one wake-up stays pending ({@link DeadlineWakeups}, shared by the connections of an event
 * loop, which keeps one task for them all). It comes no later than the current deadline and, when
 * the deadline moved later meanwhile, waits again for what is left; only a deadline earlier than the
 * pending wake-up moves it. Confined to the connection's event loop, whose ticker it reads time
 * from: the clock its tasks are scheduled by, and a virtual one in tests.
 */
final class ConnectionDeadline {

    private final DeadlineWakeups wakeups;
    private final Owner owner;

    /** What the current deadline stands for; null when none is set. */
    private Kind kind;
    private long deadlineNanos;
    /** When it wakes next, and where it is in the wake-ups' heap; -1 when it does not wait. */
    long wakeAtNanos;
    int heapIndex = -1;

    ConnectionDeadline(EventExecutor executor, Owner owner) {
        this.wakeups = DeadlineWakeups.of(executor);
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
        CLOSING,
        /** A request's own deadline, which its client set (gRPC's {@code grpc-timeout}). */
        DEADLINE
    }

    /** Whom an expiry is told; the connection itself, so that no callback object is kept per connection. */
    interface Owner {
        void onDeadline(Kind kind);
    }

    /** Expires {@code delayNanos} from now as {@code what}, replacing any deadline set before. */
    void set(long delayNanos, Kind what) {
        long deadline = wakeups.nanoTime() + delayNanos;
        kind = what;
        deadlineNanos = deadline;
        if (heapIndex < 0 || wakeAtNanos - deadline > 0) {
            wakeups.wakeAt(this, deadline);
        }
    }

    /** No deadline until the next {@link #set}; a pending wake-up stays and finds nothing to do. */
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

    /** The connection is gone: no deadline and no pending wake-up. */
    void stop() {
        kind = null;
        wakeups.remove(this);
    }

    /** Its wake-up came, at {@code nowNanos}: the deadline has lapsed, or it waits again for what is left. */
    void wake(long nowNanos) {
        Kind expired = kind;
        if (expired == null) {
            return;
        }
        if (deadlineNanos - nowNanos > 0) {
            wakeups.wakeAt(this, deadlineNanos);
            return;
        }
        kind = null;
        owner.onDeadline(expired);
    }
}
