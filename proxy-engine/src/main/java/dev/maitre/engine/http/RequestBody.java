package dev.maitre.engine.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A request on its way to the backend: its head, then its body piece by piece within the listener's
 * size limit, and as much of the body as {@link ReplayBuffer} keeps, so that a try that failed before
 * any answer can send the request again on another connection.
 */
final class RequestBody {

    /** What a piece of the body from the client means for the exchange. */
    enum Piece {
        /** Goes on to the backend; more follows. */
        MORE,
        /** Goes on to the backend; the request is complete. */
        LAST,
        /** The request is over the listener's {@code limits.maxBodyBytes}. */
        TOO_LARGE,
        /** The client's framing of the body was invalid (a bad chunk, say). */
        MALFORMED
    }

    private final long maxBytes;
    private final ReplayBuffer replay = new ReplayBuffer();
    private long bytes;
    /** The client sent the whole request. A request without a body is complete with its head. */
    private boolean complete;
    /** The whole request went to the current backend connection. */
    private boolean sent;
    private final boolean bodiless;

    RequestBody(boolean bodiless, long maxBytes) {
        this.bodiless = bodiless;
        this.complete = bodiless;
        this.maxBytes = maxBytes;
    }

    boolean complete() {
        return complete;
    }

    boolean sent() {
        return sent;
    }

    /** Whether every byte sent so far is still held, so the request can be sent again. */
    boolean canResend() {
        return replay.intact();
    }

    /** Judges a piece from the client; the caller still owns it. */
    Piece accept(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            return Piece.MALFORMED;
        }
        bytes += content.content().readableBytes();
        if (bytes > maxBytes) {
            return Piece.TOO_LARGE;
        }
        if (content instanceof LastHttpContent) {
            complete = true;
            return Piece.LAST;
        }
        return Piece.MORE;
    }

    /**
     * Sends the head and what is held of the body on a connection just attached to the exchange,
     * and the body's end at once when there is no body: the request goes out in one flush.
     */
    void sendHead(Channel backend, HttpRequest request) {
        backend.write(request, backend.voidPromise());
        if (bodiless) {
            backend.write(LastHttpContent.EMPTY_LAST_CONTENT, backend.voidPromise());
        }
        replay.writeTo(backend);
        sent = complete;
        backend.flush();
    }

    /** Sends a piece accepted by {@link #accept} to the current connection, keeping a copy while it can. */
    void forward(Channel backend, HttpContent content) {
        replay.keepCopy(content);
        backend.writeAndFlush(content, backend.voidPromise());
        sent = complete;
    }

    /**
     * Keeps a piece that arrived while no connection is attached (between two tries), to send with
     * the head on the next one; false when the request can no longer be sent whole, and the piece is
     * left to the caller.
     */
    boolean holdBetweenTries(HttpContent content) {
        if (!replay.intact()) {
            return false;
        }
        replay.take(content);
        return true;
    }

    /** No try will send the request again: what was kept for it is let go. */
    void release() {
        replay.release();
    }
}
