package dev.maitre.engine.pool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answer side of an HTTP/2 stream to a backend: the frames the backend sends are written as the
 * HTTP/1.1 answer they mean, for the {@code ResponseDecoder} behind it, so that every answer is read
 * (and judged) by the one strict reader the core has. A head becomes a status line and its fields,
 * with {@code transfer-encoding: chunked} when it announces no length and a body follows, whose
 * {@code DATA} frames then become chunks and whose trailers the last chunk's trailer section. A
 * field whose name or value could not be written as HTTP/1.1 (a CR, LF or NUL in it, say) makes the
 * head one the reader refuses: the backend's answer is invalid, as it would be over HTTP/1.1.
 *
 * <p>A stream the backend refuses ({@code REFUSED_STREAM}) or leaves out of its {@code GOAWAY}, or
 * that could not be opened, fails with {@link StreamNotProcessed}; any other reset as a reset.
 */
final class Http2StreamBridge extends ChannelInboundHandlerAdapter {

    private static final byte[] VERSION = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_BODY = "content-length: 0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INVALID = "invalid field from HTTP/2\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';

    private boolean headRequest;
    private boolean finalHeadSeen;
    private boolean chunked;

    /** The request on this stream is a HEAD request: its answer has no body whatever its head says. */
    void headRequest(boolean value) {
        headRequest = value;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame frame) {
                if (finalHeadSeen) {
                    trailers(ctx, frame.headers());
                } else {
                    head(ctx, frame.headers(), frame.isEndStream());
                }
            } else if (msg instanceof Http2DataFrame frame) {
                data(ctx, frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // Resets come as events: they are not flow-controlled, so they arrive even while reads wait.
        if (evt instanceof Http2ResetFrame reset) {
            ctx.fireExceptionCaught(reset.errorCode() == Http2Error.REFUSED_STREAM.code()
                    ? new StreamNotProcessed("stream refused by the backend")
                    : new IOException("stream reset by the backend (error " + reset.errorCode() + ")"));
        } else if (evt instanceof Http2GoAwayFrame goAway) {
            int id = ((Http2StreamChannel) ctx.channel()).stream().id();
            if (id > goAway.lastStreamId() || id < 0) {
                ctx.fireExceptionCaught(new StreamNotProcessed("stream left out of the backend's GOAWAY"));
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof StreamNotProcessed) && ((Http2StreamChannel) ctx.channel()).stream().id() < 0) {
            // The stream never got an id: its HEADERS could not go out (no stream left on the connection).
            ctx.fireExceptionCaught(new StreamNotProcessed("stream not opened: " + cause.getMessage()));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void head(ChannelHandlerContext ctx, Http2Headers headers, boolean endStream) {
        CharSequence status = headers.status();
        ByteBuf out = ctx.alloc().buffer(256);
        out.writeBytes(VERSION);
        if (status == null || !isStatus(status)) {
            out.writeBytes(INVALID);
        } else {
            // HTTP/2 has no reason phrase; HTTP/1.1 clients are given the usual one.
            out.writeCharSequence(status, StandardCharsets.US_ASCII);
            out.writeByte(' ');
            out.writeCharSequence(HttpResponseStatus.valueOf(AsciiString.of(status).parseInt()).reasonPhrase(),
                    StandardCharsets.US_ASCII);
            out.writeShort(CRLF);
        }
        boolean interim = status != null && status.length() == 3 && status.charAt(0) == '1';
        boolean length = false;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            CharSequence name = field.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (!writable(name) || !writable(field.getValue())) {
                out.writeBytes(INVALID);
                continue;
            }
            length |= AsciiString.contentEqualsIgnoreCase(HttpHeaderNames.CONTENT_LENGTH, name);
            out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
            out.writeByte(':').writeByte(' ');
            out.writeCharSequence(field.getValue(), StandardCharsets.ISO_8859_1);
            out.writeShort(CRLF);
        }
        if (!interim) {
            finalHeadSeen = true;
            boolean bodyless = headRequest || AsciiString.contentEquals("204", status)
                    || AsciiString.contentEquals("304", status);
            if (!length && !bodyless) {
                if (endStream) {
                    out.writeBytes(NO_BODY);
                } else {
                    chunked = true;
                    out.writeBytes(CHUNKED);
                }
            }
        }
        out.writeShort(CRLF);
        ctx.fireChannelRead(out);
    }

    private void data(ChannelHandlerContext ctx, Http2DataFrame frame) {
        ByteBuf data = frame.content();
        if (!chunked) {
            if (data.isReadable()) {
                ctx.fireChannelRead(data.retain());
            }
            return;
        }
        int length = data.readableBytes();
        if (length > 0) {
            ByteBuf size = ctx.alloc().buffer(10);
            ByteBufUtil.writeAscii(size, Integer.toHexString(length));
            size.writeShort(CRLF);
            ctx.fireChannelRead(size);
            ctx.fireChannelRead(data.retain());
            ctx.fireChannelRead(ctx.alloc().buffer(2).writeShort(CRLF));
        }
        if (frame.isEndStream()) {
            ByteBuf end = ctx.alloc().buffer(5).writeBytes(LAST_CHUNK);
            end.writeShort(CRLF);
            ctx.fireChannelRead(end);
        }
    }

    private void trailers(ChannelHandlerContext ctx, Http2Headers headers) {
        if (!chunked) {
            // A body of announced length has no place for trailers in HTTP/1.1; they are dropped.
            return;
        }
        ByteBuf out = ctx.alloc().buffer(128);
        out.writeBytes(LAST_CHUNK);
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            CharSequence name = field.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                out.writeBytes(INVALID);
                continue;
            }
            if (!writable(name) || !writable(field.getValue())) {
                out.writeBytes(INVALID);
                continue;
            }
            out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
            out.writeByte(':').writeByte(' ');
            out.writeCharSequence(field.getValue(), StandardCharsets.ISO_8859_1);
            out.writeShort(CRLF);
        }
        out.writeShort(CRLF);
        ctx.fireChannelRead(out);
    }

    private static boolean isStatus(CharSequence status) {
        return status.length() == 3 && Character.isDigit(status.charAt(0)) && Character.isDigit(status.charAt(1))
                && Character.isDigit(status.charAt(2));
    }

    /** Whether {@code text} can be written into an HTTP/1.1 head as it is: no CR, LF or NUL, one byte a character. */
    private static boolean writable(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                return false;
            }
        }
        return true;
    }
}
