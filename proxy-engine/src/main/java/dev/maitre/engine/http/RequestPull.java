package dev.maitre.engine.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Takes a client connection's request one message at a time, with auto-read off. The decoder may
 * produce more messages from one read than were asked for (a request head and its end, pipelined
 * requests); those wait until asked for, one per {@link #request()}: the oldest in a field (most
 * often the end of a request without a body, decoded with its head), the others in
 * {@link HeldMessages}, made only for a connection that has more than one waiting. A read
 * cycle can end without a message (a head split over packets, a TLS record); the request stands and
 * is asked for again at the end of the cycle, so nothing waits for a timeout.
 *
 * <p>Handling a message can ask for the next one before it returns (maitre's own answer to a
 * pipelined request finishes at once, and the next waits here already): such a call only marks
 * that one more is wanted, and the outermost call serves them in a loop, so a run of pipelined
 * requests never deepens the stack.
 */
final class RequestPull {

    /** Where the messages asked for go. */
    interface Consumer {
        void handle(Object msg);

        /** A message was asked for and the client's input has ended: none will come. */
        void noMoreInput();

        /**
         * Whether the connection keeps reading while no message is asked for: what comes is held
         * (and bounded, see {@link RequestDecoder}), and the socket's read interest stays as it is.
         */
        boolean readsAhead();
    }

    private final ChannelHandlerContext ctx;
    private final RequestDecoder decoder;
    private final Consumer consumer;

    /** The oldest message decoded and not yet asked for, or {@code null}. */
    private Object first;
    /** The messages after {@link #first}; {@code null} until there are any. */
    private HeldMessages held;
    /** A message was asked for and has not arrived; a read cycle that ends without one asks again. */
    private boolean wantsMessage;
    /** {@link #request} is serving; a call from within sets {@link #readAgain} instead of recursing. */
    private boolean reading;
    private boolean readAgain;
    private boolean inputEnded;

    RequestPull(ChannelHandlerContext ctx, RequestDecoder decoder, Consumer consumer) {
        this.ctx = ctx;
        this.decoder = decoder;
        this.consumer = consumer;
    }

    /** Asks for the next message. */
    void request() {
        if (reading) {
            readAgain = true;
            return;
        }
        reading = true;
        try {
            do {
                readAgain = false;
                pullOne();
            } while (readAgain);
        } finally {
            reading = false;
        }
    }

    private void pullOne() {
        Object next = first;
        if (next != null) {
            first = null;
        } else if (held != null) {
            next = held.poll();
        }
        if (next != null) {
            consumer.handle(next);
            return;
        }
        wantsMessage = true;
        if (decoder != null) {
            decoder.decodeLeftover();
        }
        if (!wantsMessage) {
            return;
        }
        if (inputEnded) {
            wantsMessage = false;
            consumer.noMoreInput();
        } else {
            ctx.read();
        }
    }

    /** A message from the decoder: handled if it was asked for, kept until it is otherwise. */
    void onMessage(Object msg) {
        if (!wantsMessage) {
            hold(msg);
            return;
        }
        wantsMessage = false;
        consumer.handle(msg);
    }

    private void hold(Object msg) {
        if (first == null && (held == null || held.isEmpty())) {
            first = msg;
            return;
        }
        if (held == null) {
            held = new HeldMessages();
        }
        held.add(msg);
    }

    /** Requests waiting. */
    private int requestsHeld() {
        return (first instanceof ClientRequest ? 1 : 0) + (held == null ? 0 : held.requests());
    }

    /**
     * The end of a read cycle: one that brought no message asked for reads again, and so does one
     * whose connection reads ahead. A read asked for before the cycle ends keeps the socket's read
     * interest: Netty's epoll transport would otherwise take it off the socket now and put it back
     * at the next read, two {@code epoll_ctl} calls per request.
     */
    void onReadComplete() {
        if ((wantsMessage || consumer.readsAhead()) && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    /** Whether the decoder left bytes undecoded because the connection took no more requests. */
    boolean decoderStalled() {
        return decoder != null && decoder.stalled();
    }

    /** Whether a message is asked for and has not arrived. */
    boolean wantsMessage() {
        return wantsMessage;
    }

    /** The upgrade a request asked for was not made: the decoder goes on with what follows it. */
    void upgradeRefused() {
        if (decoder != null) {
            decoder.upgradeRefused();
        }
    }

    /** The client's input ended: what is asked for from now on will never come. */
    void inputEnded() {
        inputEnded = true;
        wantsMessage = false;
    }

    /** Whether fewer than {@code limit} requests wait, so the decoder may produce another. */
    boolean takesMoreRequests(int limit) {
        return requestsHeld() < limit;
    }

    /** Whether the end of a request was decoded and waits here: the current request's, if it is incomplete. */
    boolean holdsRequestEnd() {
        return first instanceof LastHttpContent || (held != null && held.holdsRequestEnd());
    }

    /**
     * Whether the client sent anything beyond the request being answered that is here and not yet
     * handled: a request waiting, or bytes the decoder has not delivered.
     */
    boolean inputPending() {
        return requestsHeld() > 0 || (decoder != null && decoder.holdsInput());
    }

    void releaseHeld() {
        if (first != null) {
            ReferenceCountUtil.release(first);
            first = null;
        }
        if (held != null) {
            held.releaseAll();
        }
    }
}
