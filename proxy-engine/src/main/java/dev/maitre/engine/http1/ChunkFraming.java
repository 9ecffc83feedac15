package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a body to a connection as it is, or in chunks with its trailers (RFC 9112 §7.1): the
 * framing the proxy gives a body it passes on, towards a client or a backend. One per connection,
 * which carries one message at a time; {@link #start} begins each.
 */
public final class ChunkFraming {

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Each chunk's closing CRLF, shared (written as a duplicate, never released). */
    private static final ByteBuf CHUNK_END = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2, 2).writeShort(CRLF).asReadOnly());

    private boolean chunked;

    /** A new message's body follows, chunked or as it is. */
    public void start(boolean chunkedBody) {
        chunked = chunkedBody;
    }

    /** A piece of the body; takes {@code data}. */
    public void body(ChannelHandlerContext ctx, ByteBuf data, ChannelPromise promise) {
        if (!data.isReadable()) {
            data.release();
            if (!promise.isVoid()) {
                ctx.write(Unpooled.EMPTY_BUFFER, promise);
            }
            return;
        }
        if (!chunked) {
            ctx.write(data, promise);
            return;
        }
        // Each chunk whole at once: a peer reading it need not wait for the next to see it end.
        ByteBuf size = ctx.alloc().buffer(10);
        writeHex(size, data.readableBytes());
        size.writeShort(CRLF);
        ctx.write(size, ctx.voidPromise());
        ctx.write(data, ctx.voidPromise());
        ctx.write(CHUNK_END.duplicate(), promise);
    }

    /** The body's last piece, with the trailers when chunked (they cannot be carried otherwise); takes {@code last}. */
    public void end(ChannelHandlerContext ctx, LastHttpContent last, ChannelPromise promise) {
        if (!chunked) {
            body(ctx, last.content().retain(), promise);
            last.release();
            return;
        }
        body(ctx, last.content().retain(), ctx.voidPromise());
        ByteBuf end = ctx.alloc().buffer(8);
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
        ctx.write(end, promise);
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
