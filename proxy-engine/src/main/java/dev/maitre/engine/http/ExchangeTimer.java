package dev.maitre.engine.http;

import io.netty.util.concurrent.Ticker;

/**
 * The timeouts of one exchange, carried by the one timer of its client connection: the backend's
 * response timeout and the client timeout measure time without progress on the side waited on; the
 * per-try timeout ({@code retries.perTryTimeout}) measures a try from the moment its request went
 * out. Time is read from the client's event loop, so tests can move it.
 */
final class ExchangeTimer {

    /** What {@link #fired} found. */
    enum Expired {
        /** Nothing yet; the timer is armed again. */
        NONE,
        /** The current try had no answer head within the per-try timeout. */
        TRY,
        /** The backend made no progress for the response timeout. */
        BACKEND,
        /** The client made no progress for the client timeout. */
        CLIENT
    }

    private ClientSide client;
    private Ticker ticker;
    private long responseNanos;
    private long clientNanos;
    /** 0 when tries are not limited. */
    private long perTryNanos;
    private long shortest;

    private boolean armed;
    private long lastProgressNanos;
    private long tryStartNanos;

    /** For an exchange of {@code client} with these timeouts; what an earlier one armed was cancelled. */
    void begin(ClientSide client, long responseNanos, long clientNanos, long perTryNanos) {
        this.client = client;
        this.ticker = client.eventLoop().ticker();
        this.armed = false;
        this.tryStartNanos = 0;
        this.responseNanos = responseNanos;
        this.clientNanos = clientNanos;
        this.perTryNanos = perTryNanos;
        long shorter = Math.min(responseNanos, clientNanos);
        this.shortest = perTryNanos > 0 ? Math.min(shorter, perTryNanos) : shorter;
        this.lastProgressNanos = ticker.nanoTime();
    }

    /** Lets go of the client (the exchange is kept for another). */
    void forget() {
        client = null;
        armed = false;
    }

    /** Bytes moved on the side waited on: its timeout starts over. */
    void progress() {
        lastProgressNanos = ticker.nanoTime();
    }

    /** A try's request starts going out: the per-try timeout counts from now. */
    void tryStarted() {
        tryStartNanos = ticker.nanoTime();
        lastProgressNanos = tryStartNanos;
    }

    void arm() {
        if (!armed) {
            armed = true;
            client.armExchangeTimer(shortest);
        }
    }

    /** The timer fired while no try was under way; the next {@link #arm} arms it again. */
    void lapsed() {
        armed = false;
    }

    void cancel() {
        if (armed) {
            armed = false;
            client.cancelExchangeTimer();
        }
    }

    /**
     * The timer fired: which timeout passed, if any. It fires at least once per the shortest timeout,
     * so a change of the side waited on is never noticed late; when nothing passed it is armed again.
     *
     * @param waitingOnClient whether the exchange waits on its client (a request body still coming,
     *     or an answer the client does not take) rather than on its backend
     * @param tryLimited whether the current try may be given up for another
     */
    Expired fired(boolean waitingOnClient, boolean tryLimited) {
        armed = false;
        long now = ticker.nanoTime();
        boolean limitTry = tryLimited && perTryNanos > 0;
        if (limitTry && now - tryStartNanos >= perTryNanos) {
            return Expired.TRY;
        }
        long timeout = waitingOnClient ? clientNanos : responseNanos;
        long idleFor = now - lastProgressNanos;
        if (idleFor >= timeout) {
            return waitingOnClient ? Expired.CLIENT : Expired.BACKEND;
        }
        long next = timeout - idleFor;
        if (limitTry) {
            next = Math.min(next, perTryNanos - (now - tryStartNanos));
        }
        armed = true;
        client.armExchangeTimer(Math.min(next, shortest));
        return Expired.NONE;
    }
}
