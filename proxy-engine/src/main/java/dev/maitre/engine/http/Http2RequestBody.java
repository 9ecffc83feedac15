package dev.maitre.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * A stream's request body on its way from the client to the exchange: a {@code DATA} frame goes to
 * the exchange at once when it asked for more (which it does only while its backend connection takes
 * it); otherwise it waits here, copied into one buffer, and the stream's window (and the
 * connection's) opens again only as the exchange takes what waited. What waits is so at most the
 * stream's window. Pieces are handed over in a loop, never by recursion, however small the frames a
 * client sends.
 */
final class Http2RequestBody {

    private final Http2StreamSide side;
    private final Http2ClientConnection connection;
    private final Http2Stream stream;
    /** Body the exchange has not asked for yet; the client's window stays closed by as much. */
    private ByteBuf held;
    private boolean heldEnd;
    private HttpHeaders heldTrailers;
    private boolean wantsContent;
    private boolean delivering;

    Http2RequestBody(Http2StreamSide side, Http2ClientConnection connection, Http2Stream stream) {
        this.side = side;
        this.connection = connection;
        this.stream = stream;
    }

    /** A {@code DATA} frame's payload; returns how much of it is let go at once (passed on, or wanted by nobody). */
    int onData(ByteBuf data, boolean endOfStream) {
        int length = data.readableBytes();
        if (side.exchange() == null) {
            return length;
        }
        if (wantsContent && held == null && !delivering) {
            deliver(endOfStream ? new DefaultLastHttpContent(data.retain()) : new DefaultHttpContent(data.retain()));
            return length;
        }
        if (length > 0) {
            if (held == null) {
                held = connection.context().alloc().buffer(length);
            }
            held.writeBytes(data);
            connection.held(length);
        }
        heldEnd = endOfStream;
        if (wantsContent && !delivering) {
            deliverHeld();
        }
        return 0;
    }

    /** The request's trailers, which end it. */
    void onTrailers(HttpHeaders trailers) {
        if (side.exchange() == null) {
            return;
        }
        heldEnd = true;
        heldTrailers = trailers;
        if (wantsContent && !delivering) {
            deliverHeld();
        }
    }

    /** The exchange asks for the next piece. */
    void requestRead() {
        wantsContent = true;
        if (!delivering) {
            deliverHeld();
        }
    }

    /** Hands what is held to the exchange while it asks, one piece a request, without recursion. */
    private void deliverHeld() {
        while (wantsContent && side.exchange() != null && (held != null || heldEnd)) {
            ByteBuf piece = held != null ? held : Unpooled.EMPTY_BUFFER;
            held = null;
            int length = piece.readableBytes();
            connection.held(-length);
            HttpContent content;
            if (heldEnd) {
                content = heldTrailers != null ? new DefaultLastHttpContent(piece, heldTrailers)
                        : new DefaultLastHttpContent(piece);
                heldEnd = false;
                heldTrailers = null;
            } else {
                content = new DefaultHttpContent(piece);
            }
            deliver(content);
            connection.consumed(stream, length);
        }
    }

    private void deliver(HttpContent content) {
        wantsContent = false;
        delivering = true;
        try {
            side.exchange().onRequestContent(content);
        } finally {
            delivering = false;
        }
    }

    /** Lets go of what is held: the exchange ended, or the stream did. */
    void release() {
        if (held != null) {
            connection.held(-held.readableBytes());
            held.release();
            held = null;
        }
        heldEnd = false;
        heldTrailers = null;
        wantsContent = false;
    }
}
