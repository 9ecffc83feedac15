package dev.maitre.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.load.Outcome.ErrorKind;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's HTTP/2 clients against a Netty HTTP/2 server on loopback that answers,
 * resets, holds or drops streams as the path says: each request's outcome must be what a client
 * saw, as the HTTP/1.1 probe reports it, since the chaos scenarios judge maitre by these outcomes.
 */
class Http2ClientsIT {

    private static final byte[] BODY = "hello from t1".getBytes(StandardCharsets.US_ASCII);
    private static final Duration PERIOD = Duration.ofMillis(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    /** How many held streams make the server drop their connection. */
    private volatile int dropAfterHeld = Integer.MAX_VALUE;
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void startServer() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Streams());
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    @AfterEach
    void stopServer() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private List<Outcome> run(String path, String sha256, Clients clients, Duration timeout, int requests)
            throws InterruptedException {
        LoadGenerator load = LoadGenerator.start(port(), path, sha256, clients, PERIOD, timeout, Duration.ofSeconds(30),
                requests);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.outcomes().size() < requests && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return load.stop();
    }

    @Test
    void answersAreRecordedWithStatusBackendAndDigestAndClientsShareTheirConnections() throws Exception {
        List<Outcome> outcomes = run("/ok", sha256(BODY), Clients.http2(4, 2), TIMEOUT, 40);

        assertThat(outcomes).hasSize(40).allSatisfy(o -> {
            assertThat(o.ok()).isTrue();
            assertThat(o.backend()).isEqualTo("t1");
        });
        assertThat(connections).hasValue(2);
        assertThat(outcomes.stream().filter(o -> !o.reusedConnection())).hasSize(2);
    }

    @Test
    void aBodyThatDiffersFromTheExpectedDigestIsNotOk() throws Exception {
        List<Outcome> outcomes = run("/ok", sha256("something else".getBytes(StandardCharsets.US_ASCII)),
                Clients.http2(1, 1), TIMEOUT, 2);

        assertThat(outcomes).hasSize(2).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.digestOk()).isFalse();
        });
    }

    @Test
    void aConnectionThatEndsFailsEveryStreamOpenOnIt() throws Exception {
        dropAfterHeld = 3;

        List<Outcome> outcomes = run("/hold", null, Clients.http2(3, 1), TIMEOUT, 3);

        assertThat(outcomes).hasSize(3).allSatisfy(o -> {
            assertThat(o.error()).isIn(ErrorKind.CLOSED, ErrorKind.RESET);
            assertThat(o.latencyMillis()).isLessThan(TIMEOUT.toMillis());
        });
    }

    @Test
    void aResetStreamIsAResetAndTheConnectionServesTheNextStream() throws Exception {
        List<Outcome> outcomes = run("/reset", null, Clients.http2(1, 1), TIMEOUT, 2);

        assertThat(outcomes).extracting(Outcome::error).containsExactly(ErrorKind.RESET, ErrorKind.RESET);
        assertThat(outcomes).extracting(Outcome::reusedConnection).containsExactly(false, true);
        assertThat(connections).hasValue(1);
    }

    @Test
    void aStreamWithoutAnAnswerTimesOut() throws Exception {
        List<Outcome> outcomes = run("/hold", null, Clients.http2(1, 1), Duration.ofMillis(300), 1);

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.error()).isEqualTo(ErrorKind.TIMEOUT);
            assertThat(o.latencyMillis()).isBetween(250L, 4000L);
        });
    }

    @Test
    void aNewConnectionClientOpensAConnectionPerRequest() throws Exception {
        List<Outcome> outcomes = run("/ok", null, Clients.http2NewConnections(1), TIMEOUT, 3);

        assertThat(outcomes).hasSize(3).allSatisfy(o -> {
            assertThat(o.ok()).isTrue();
            assertThat(o.reusedConnection()).isFalse();
        });
        assertThat(connections).hasValue(3);
    }

    @Test
    void aPortNobodyListensOnIsRefused() throws Exception {
        // Bound but not listening: the port stays this test's, and a connect to it is refused.
        try (Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            LoadGenerator load = LoadGenerator.start(bound.getLocalPort(), "/ok", null, Clients.http2(2, 1), PERIOD,
                    TIMEOUT, Duration.ofSeconds(30), 2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (load.outcomes().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(load.stop()).hasSize(2).extracting(Outcome::error).containsOnly(ErrorKind.REFUSED);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** One stream of the server: its path says what to do. */
    private final class Streams extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame request && request.isEndStream()) {
                    switch (request.headers().path().toString()) {
                        case "/ok" -> {
                            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                                    .add("x-backend", "t1").addInt("content-length", BODY.length)));
                            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(BODY), true));
                        }
                        case "/reset" -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                        case "/hold" -> {
                            if (held.incrementAndGet() >= dropAfterHeld) {
                                ctx.channel().parent().close();
                            }
                        }
                        default -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                                new DefaultHttp2Headers().status("404"), true));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
