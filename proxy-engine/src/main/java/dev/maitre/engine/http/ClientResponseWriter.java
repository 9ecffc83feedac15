package dev.maitre.engine.http;

import dev.maitre.engine.http1.ChunkFraming;
import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes answers to an HTTP/1.1 client connection as bytes: the head as {@link ResponseFraming}
 * frames it, the body as it comes or in chunks, trailers when chunked (they cannot be carried
 * otherwise). One per connection, which answers one request at a time; no encoder in the pipeline.
 */
final class ClientResponseWriter {

    private final ChunkFraming framing = new ChunkFraming();
    private boolean headRequest;
    private boolean http10;

    /** The next answer is to this request. */
    void startAnswer(boolean toHeadRequest, boolean toHttp10) {
        headRequest = toHeadRequest;
        http10 = toHttp10;
        framing.start(false);
    }

    boolean headRequest() {
        return headRequest;
    }

    boolean http10() {
        return http10;
    }

    /** An interim answer: passed on, except to an HTTP/1.0 client, which would take it for the answer. */
    void interim(ChannelHandlerContext ctx, ResponseHead head) {
        if (!http10) {
            ctx.write(ResponseFraming.encodeInterim(head, ctx.alloc()), ctx.voidPromise());
        }
    }

    /** The final answer's head; returns whether the connection stays open after the answer. */
    boolean head(ChannelHandlerContext ctx, ResponseHead head, boolean keepAliveWanted) {
        int framing = ResponseFraming.frame(head, headRequest, http10, keepAliveWanted);
        this.framing.start((framing & ResponseFraming.CHUNKED_TO_CLIENT) != 0);
        ctx.write(ResponseFraming.encode(head, framing, headRequest, http10, ctx.alloc()), ctx.voidPromise());
        return (framing & ResponseFraming.CLIENT_KEEP_ALIVE) != 0;
    }

    /** A {@code 101}: the connection switches to the protocol it names once it is written. */
    void switchProtocols(ChannelHandlerContext ctx, ResponseHead head) {
        ctx.writeAndFlush(ResponseFraming.encodeSwitch(head, ctx.alloc()), ctx.voidPromise());
    }

    /** A piece of the body; takes {@code data}. */
    void body(ChannelHandlerContext ctx, ByteBuf data) {
        framing.body(ctx, data, ctx.voidPromise());
    }

    /** The body's last piece, with the trailers when chunked; takes {@code last}. */
    void end(ChannelHandlerContext ctx, LastHttpContent last) {
        framing.end(ctx, last, ctx.voidPromise());
    }
}
