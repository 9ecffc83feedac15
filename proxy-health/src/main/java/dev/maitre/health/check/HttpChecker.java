package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP check: {@code GET path} with {@code Connection: close}, over TLS to a cluster that has it; the
 * backend passes when the head of its answer arrives within the timeout with a status in
 * {@code expectStatus}. The body is not read.
 */
final class HttpChecker implements Checker {

    static final String USER_AGENT = "maitre-health-check";

    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final HealthCheckConfig config;
    private final CheckTls tls;

    /** @param tls the cluster's TLS, or {@code null} for clear text */
    HttpChecker(Bootstrap bootstrap, EventLoop loop, HealthCheckConfig config, CheckTls tls) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.config = config;
        this.tls = tls;
    }

    @Override
    public CompletableFuture<CheckResult> check(HostPort backend) {
        return new HttpProbe(backend).start(bootstrap, loop);
    }

    private final class HttpProbe extends Probe {

        HttpProbe(HostPort target) {
            super(target, config.timeout(), tls);
        }

        @Override
        ChannelHandler handler() {
            return new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("http", new HttpClientCodec());
                    ch.pipeline().addLast("answer", new AnswerHead(config.expectStatus()));
                }
            };
        }

        @Override
        void connected(Channel channel) {
            channel.writeAndFlush(request()).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    fail(future.cause());
                }
            });
        }

        private FullHttpRequest request() {
            FullHttpRequest request = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(), Unpooled.EMPTY_BUFFER);
            String host = config.host() != null ? config.host() : target().toString();
            request.headers()
                    .set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return request;
        }

        /** Decides on the first final answer head; everything read after it is dropped. */
        private final class AnswerHead extends SimpleChannelInboundHandler<HttpObject> {

            private final StatusRanges expected;

            AnswerHead(StatusRanges expected) {
                this.expected = expected;
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg.decoderResult().isFailure()) {
                    fail("invalid response");
                    return;
                }
                if (!(msg instanceof HttpResponse response)) {
                    return;
                }
                int status = response.status().code();
                if (status < 200 && status != 101) {
                    return; // an interim answer; the final one follows
                }
                if (expected.contains(status)) {
                    pass("status " + status);
                } else {
                    fail("status " + status);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                fail("connection closed without an answer");
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(cause);
            }
        }
    }
}
