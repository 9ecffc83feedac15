package dev.maitre.engine.http;

/**
 * A client connection's wait for its next request, on the connection's one timer: the keep-alive
 * idle timeout ({@code timeouts.idle}) while nothing of a request has come, the request-header
 * timeout ({@code timeouts.requestHeader}) from its first byte (or from the connection's start) until
 * the head is read. What an expiry means depends on which applied: a head that began and did not
 * finish is answered 408; a quiet keep-alive connection is just closed.
 */
final class NextRequestWait {

    /** What the timer's firing means for the connection. */
    enum Expiry {
        /** Nothing: a request is being answered, the timer was for something else. */
        NONE,
        /** A request head began and did not finish in time: 408, then close. */
        HEAD_TIMEOUT,
        /** No request came: close quietly. */
        IDLE
    }

    private final HttpListenerContext listener;
    private final ConnectionDeadline deadline;
    private boolean awaitingHead = true;
    private boolean headTimerArmed;
    private boolean bytesSinceLastRequest;

    NextRequestWait(HttpListenerContext listener, ConnectionDeadline deadline) {
        this.listener = listener;
        this.deadline = deadline;
    }

    /** A new connection: its first request is awaited on the header timeout. */
    void connectionStarted() {
        armHeadTimer();
    }

    /** Bytes arrived: a request head has begun, on the header timeout if one is awaited. */
    void bytesReceived() {
        bytesSinceLastRequest = true;
        if (awaitingHead && !headTimerArmed) {
            armHeadTimer();
        }
    }

    /** A request head was read: the wait is over. */
    void requestArrived() {
        awaitingHead = false;
        bytesSinceLastRequest = false;
        deadline.clear();
    }

    /** The last exchange is over: a next request is awaited (its timer is armed by {@link #armed}). */
    void exchangeOver() {
        awaitingHead = true;
        headTimerArmed = false;
    }

    /**
     * Arms the wait: on the header timeout when bytes were read ahead while the last exchange ran
     * (the next request has begun), on the idle timeout otherwise.
     */
    void armed() {
        if (bytesSinceLastRequest) {
            armHeadTimer();
        } else {
            deadline.set(listener.config().timeouts().idle().toNanos(), ConnectionDeadline.Kind.IDLE);
        }
    }

    /** The timer fired with {@code kind} (HEAD or IDLE). */
    Expiry expired(ConnectionDeadline.Kind kind) {
        if (!awaitingHead) {
            return Expiry.NONE;
        }
        return kind == ConnectionDeadline.Kind.HEAD && bytesSinceLastRequest ? Expiry.HEAD_TIMEOUT : Expiry.IDLE;
    }

    private void armHeadTimer() {
        headTimerArmed = true;
        deadline.set(listener.config().timeouts().requestHeader().toNanos(), ConnectionDeadline.Kind.HEAD);
    }
}
