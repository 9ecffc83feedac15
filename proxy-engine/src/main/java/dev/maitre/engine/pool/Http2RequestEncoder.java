package dev.maitre.engine.pool;

import dev.maitre.engine.http1.OutgoingHead;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import dev.maitre.engine.http1.ResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Iterator;
import java.util.Map;

/**
 * The request side of an HTTP/2 stream to a backend: the exchange writes what it writes to an
 * HTTP/1.1 backend (an {@link OutgoingHead}, then the body as {@link HttpContent}s), and this writes
 * it as HTTP/2 frames on the stream. The head's bytes are read back ({@link RequestHeadParser}: they
 * are maitre's own) into {@code :method}, {@code :scheme}, {@code :path}, {@code :authority} (from
 * {@code Host}) and the fields in lower case, minus those HTTP/2 forbids (RFC 9113 §8.2.2), plus
 * {@code te: trailers} (maitre passes trailers on, which gRPC servers look for). The headers wait for
 * what follows them, so that a request without body is one {@code HEADERS} frame that ends the stream.
 */
final class Http2RequestEncoder extends ChannelOutboundHandlerAdapter {

    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString[] DROPPED = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION, HttpHeaderNames.TE,
        HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST,
    };
    /** The heads read back are maitre's own, already within the listener's limits. */
    private static final FastThreadLocal<RequestHeadParser> PARSER = new FastThreadLocal<>() {
        @Override
        protected RequestHeadParser initialValue() {
            return new RequestHeadParser(Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
    };
    private static final FastThreadLocal<RequestHead> HEAD = new FastThreadLocal<>() {
        @Override
        protected RequestHead initialValue() {
            return new RequestHead();
        }
    };

    private final ResponseDecoder decoder;
    private final Http2StreamBridge bridge;
    private final boolean tls;
    private Http2Headers pending;
    private ChannelPromise pendingPromise;

    Http2RequestEncoder(ResponseDecoder decoder, Http2StreamBridge bridge, boolean tls) {
        this.decoder = decoder;
        this.bridge = bridge;
        this.tls = tls;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof OutgoingHead head) {
            decoder.expectAnswer(head.headRequest(), false);
            bridge.headRequest(head.headRequest());
            try {
                pending = headers(head.content());
                pendingPromise = promise;
            } finally {
                head.release();
            }
        } else if (msg instanceof LastHttpContent last) {
            ByteBuf data = last.content();
            HttpHeaders trailers = last.trailingHeaders();
            if (pending != null && !data.isReadable() && trailers.isEmpty()) {
                last.release();
                writePending(ctx, true);
                promise.trySuccess();
                return;
            }
            writePending(ctx, false);
            if (trailers.isEmpty()) {
                ctx.write(new DefaultHttp2DataFrame(data.retain(), true), promise);
            } else {
                if (data.isReadable()) {
                    ctx.write(new DefaultHttp2DataFrame(data.retain(), false));
                }
                ctx.write(new DefaultHttp2HeadersFrame(trailers(trailers), true), promise);
            }
            last.release();
        } else if (msg instanceof HttpContent content) {
            writePending(ctx, false);
            ByteBuf data = content.content().retain();
            content.release();
            ctx.write(new DefaultHttp2DataFrame(data, false), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writePending(ctx, false);
        ctx.flush();
    }

    private void writePending(ChannelHandlerContext ctx, boolean endStream) {
        if (pending != null) {
            Http2Headers headers = pending;
            ChannelPromise promise = pendingPromise;
            pending = null;
            pendingPromise = null;
            ctx.write(new DefaultHttp2HeadersFrame(headers, endStream), promise);
        }
    }

    private Http2Headers headers(ByteBuf bytes) {
        RequestHead head = HEAD.get();
        RequestVerdict verdict = PARSER.get().parse(bytes, head);
        if (verdict != RequestVerdict.COMPLETE) {
            throw new IllegalStateException("maitre's own request head unreadable: " + verdict);
        }
        Http2Headers headers = new DefaultHttp2Headers(false, head.fieldCount() + 4);
        headers.method(ascii(bytes, head.methodStart(), head.methodEnd()))
                .scheme(tls ? HTTPS : HTTP)
                .path(ascii(bytes, head.targetStart(), head.targetEnd()));
        int host = head.hostField();
        if (host >= 0) {
            headers.authority(head.valueAscii(host));
        }
        for (int i = 0; i < head.fieldCount(); i++) {
            if (!dropped(head, i)) {
                headers.add(head.lowerCaseName(i), head.valueAscii(i));
            }
        }
        headers.set(HttpHeaderNames.TE, TRAILERS);
        head.moveTo(null, 0);
        return headers;
    }

    private static boolean dropped(RequestHead head, int i) {
        for (AsciiString name : DROPPED) {
            if (head.nameIs(i, name)) {
                return true;
            }
        }
        return false;
    }

    private static Http2Headers trailers(HttpHeaders trailers) {
        Http2Headers headers = new DefaultHttp2Headers(false, trailers.size());
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = trailers.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            AsciiString name = AsciiString.of(field.getKey()).toLowerCase();
            boolean dropped = false;
            for (AsciiString forbidden : DROPPED) {
                dropped |= forbidden.contentEquals(name);
            }
            if (!dropped) {
                headers.add(name, field.getValue());
            }
        }
        return headers;
    }

    private static AsciiString ascii(ByteBuf bytes, int from, int to) {
        byte[] copy = new byte[to - from];
        bytes.getBytes(from, copy);
        return new AsciiString(copy, false);
    }
}
