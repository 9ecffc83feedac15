package dev.maitre.engine.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import dev.maitre.engine.http1.OutgoingHead;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A request on its way to the backend: its head, then its body piece by piece within the listener's
 * size limit, and as much of the body as {@link ReplayBuffer} keeps, so that a try that failed before
 * any answer can send the request again on another connection.
 */
final class RequestBody {

    /** What became of a piece of the body from the client. */
    enum Piece {
        /** Sent to the backend; more follows. */
        MORE,
        /** Sent to the backend; the request is complete. */
        LAST,
        /** Kept to go out with the head of the next try (no connection is attached now). */
        HELD,
        /** The request is over the listener's {@code limits.maxBodyBytes}. */
        TOO_LARGE,
        /** The client's framing of the body was invalid (a bad chunk, say). */
        MALFORMED,
        /** Arrived between two tries when the request could no longer be sent whole. */
        UNSENDABLE
    }

    private final ReplayBuffer replay = new ReplayBuffer();
    private long maxBytes;
    private long bytes;
    /** The client sent the whole request. A request without a body is complete with its head. */
    private boolean complete;
    /** The whole request went to the current backend connection. */
    private boolean sent;
    private boolean bodiless;

    /** For a request that has a body ({@code bodiless} false) of at most {@code maxBytes}. */
    void begin(boolean bodiless, long maxBytes) {
        this.bodiless = bodiless;
        this.complete = bodiless;
        this.maxBytes = maxBytes;
        this.bytes = 0;
        this.sent = false;
        replay.reset();
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

    /**
     * Takes a piece from the client: sends it on {@code backend}, keeping a copy while it can, or,
     * between two tries ({@code backend} null), keeps it for the next one. A piece refused (too
     * large, malformed, unsendable) is released.
     */
    Piece take(HttpContent content, Channel backend) {
        Piece piece = judge(content);
        if (piece == Piece.TOO_LARGE || piece == Piece.MALFORMED) {
            content.release();
            return piece;
        }
        if (backend == null) {
            // The read already asked for still delivers between two tries; no more is read meanwhile.
            if (!replay.intact()) {
                content.release();
                return Piece.UNSENDABLE;
            }
            replay.take(content);
            return Piece.HELD;
        }
        replay.keepCopy(content);
        backend.writeAndFlush(content, backend.voidPromise());
        sent = complete;
        return piece;
    }

    private Piece judge(HttpContent content) {
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
    void sendHead(Channel backend, OutgoingHead head) {
        backend.write(head, backend.voidPromise());
        if (bodiless) {
            backend.write(LastHttpContent.EMPTY_LAST_CONTENT, backend.voidPromise());
        }
        replay.writeTo(backend);
        sent = complete;
        backend.flush();
    }

    /** No try will send the request again: what was kept for it is let go. */
    void release() {
        replay.release();
    }
}
