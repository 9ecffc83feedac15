package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * One check over HTTP/2, for backends that may speak nothing else: a connection of its own (over TLS
 * when h2 was chosen by ALPN, in clear text by prior knowledge), one stream, one request. What the
 * stream brings back goes to the subclass, which decides; ending the probe closes the connection.
 */
abstract class Http2Probe extends Probe {

    static final String USER_AGENT = HttpChecker.USER_AGENT;

    /** @param tls the cluster's TLS, or {@code null} for clear text */
    Http2Probe(HostPort target, Duration timeout, CheckTls tls) {
        super(target, timeout, tls);
    }

    /** Adds the request's headers to {@code headers}, which hold {@code :scheme} already. */
    abstract void request(Http2Headers headers);

    /** The request's body, or {@code null} when it has none. */
    abstract byte[] body();

    /** Each HEADERS frame of the answer: its head, and trailers if any. */
    abstract void onHeaders(Http2Headers headers, boolean endStream);

    /** Each DATA frame of the answer; the probe releases {@code data} afterwards. */
    abstract void onData(ByteBuf data, boolean endStream);

    /** {@code :authority}: the configured host, or else the backend's address. */
    final CharSequence authority(String host) {
        return host != null ? host : target().toString();
    }

    @Override
    final ChannelHandler handler() {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                        .validateHeaders(true)
                        .build());
                ch.pipeline().addLast("stream", new Stream());
            }
        };
    }

    @Override
    final void connected(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null && !ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
            String chosen = tls.applicationProtocol();
            fail("tls: h2 not chosen by ALPN" + (chosen != null ? " (the backend chose " + chosen + ")" : ""));
            return;
        }
        channel.pipeline().get(Stream.class).send();
    }

    /** The three-digit {@code :status} of an answer head, or -1 when it has none or another value. */
    static int status(Http2Headers headers) {
        CharSequence status = headers.status();
        int code = status != null && status.length() == 3 ? number(status, 3) : -1;
        return code >= 100 ? code : -1;
    }

    /** The value of a header of 1 to {@code maxDigits} decimal digits, or -1 when it is anything else. */
    static int number(CharSequence value, int maxDigits) {
        if (value.length() < 1 || value.length() > maxDigits) {
            return -1;
        }
        int number = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }

    private static String errorName(long code) {
        Http2Error error = Http2Error.valueOf(code);
        return error != null ? error.name() : "error " + code;
    }

    /** The probe's one stream: sends the request, passes the answer's frames on, fails on anything that ends it early. */
    private final class Stream extends Http2ChannelDuplexHandler {

        private ChannelHandlerContext ctx;
        private Http2FrameStream stream;

        @Override
        protected void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send() {
            stream = newStream();
            Http2Headers headers = new DefaultHttp2Headers().scheme(overTls() ? "https" : "http");
            request(headers);
            byte[] body = body();
            ctx.write(new DefaultHttp2HeadersFrame(headers, body == null).stream(stream)).addListener(failure());
            if (body != null) {
                ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream))
                        .addListener(failure());
            }
            ctx.flush();
        }

        private ChannelFutureListener failure() {
            return future -> {
                if (!future.isSuccess()) {
                    fail(future.cause());
                }
            };
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (finished()) {
                    return;
                }
                if (msg instanceof Http2GoAwayFrame goAway) {
                    if (stream == null || goAway.lastStreamId() < stream.id()) {
                        fail("goaway before an answer (" + errorName(goAway.errorCode()) + ")");
                    }
                } else if (msg instanceof Http2StreamFrame frame && frame.stream() == stream) {
                    read(frame);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void read(Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame headers) {
                onHeaders(headers.headers(), headers.isEndStream());
                ended(headers.isEndStream());
            } else if (frame instanceof Http2DataFrame data) {
                onData(data.content(), data.isEndStream());
                ended(data.isEndStream());
            } else if (frame instanceof Http2ResetFrame reset) {
                fail("stream reset (" + errorName(reset.errorCode()) + ")");
            }
        }

        /** The subclass decides on a complete answer; one that ends undecided is not a passing one. */
        private void ended(boolean endStream) {
            if (endStream) {
                fail("incomplete answer");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            fail("connection closed without an answer");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
        }
    }
}
