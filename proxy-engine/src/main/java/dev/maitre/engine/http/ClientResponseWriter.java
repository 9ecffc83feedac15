package dev.maitre.engine.http;

import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes answers to an HTTP/1.1 client connection as bytes: the head as {@link ResponseFraming}
 * frames it, the body as it comes or in chunks, trailers when chunked (they cannot be carried
 * otherwise). One per connection, which answers one request at a time; no encoder in the pipeline.
 */
final class ClientResponseWriter {

    private static final int CRLF = ResponseFraming.CRLF;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private boolean headRequest;
    private boolean http10;
    private boolean chunked;
    /** A chunk's data went out and its closing CRLF not yet: it goes with the next chunk's size. */
    private boolean chunkOpen;

    /** The next answer is to this request. */
    void startAnswer(boolean toHeadRequest, boolean toHttp10) {
        headRequest = toHeadRequest;
        http10 = toHttp10;
        chunked = false;
        chunkOpen = false;
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
        chunked = (framing & ResponseFraming.CHUNKED_TO_CLIENT) != 0;
        ctx.write(ResponseFraming.encode(head, framing, headRequest, http10, ctx.alloc()), ctx.voidPromise());
        return (framing & ResponseFraming.CLIENT_KEEP_ALIVE) != 0;
    }

    /** A piece of the body; takes {@code data}. */
    void body(ChannelHandlerContext ctx, ByteBuf data) {
        if (!data.isReadable()) {
            data.release();
            return;
        }
        if (chunked) {
            ByteBuf size = ctx.alloc().buffer(20);
            if (chunkOpen) {
                size.writeShort(CRLF);
            }
            writeHex(size, data.readableBytes());
            size.writeShort(CRLF);
            ctx.write(size, ctx.voidPromise());
            chunkOpen = true;
        }
        ctx.write(data, ctx.voidPromise());
    }

    /** The body's last piece, with the trailers when chunked; takes {@code last}. */
    void end(ChannelHandlerContext ctx, LastHttpContent last) {
        body(ctx, last.content().retain());
        if (chunked) {
            ByteBuf end = ctx.alloc().buffer(8);
            if (chunkOpen) {
                end.writeShort(CRLF);
            }
            end.writeByte('0');
            end.writeShort(CRLF);
            for (Map.Entry<String, String> trailer : last.trailingHeaders()) {
                end.writeCharSequence(trailer.getKey(), StandardCharsets.ISO_8859_1);
                end.writeByte(':');
                end.writeByte(' ');
                end.writeCharSequence(trailer.getValue(), StandardCharsets.ISO_8859_1);
                end.writeShort(CRLF);
            }
            end.writeShort(CRLF);
            ctx.write(end, ctx.voidPromise());
            chunkOpen = false;
        }
        last.release();
    }

    private static void writeHex(ByteBuf out, int value) {
        int shift = 28;
        while (shift > 0 && (value >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(value >>> shift) & 0xf]);
        }
    }
}
