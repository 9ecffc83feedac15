package dev.maitre.testing;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real HTTP/2 server on loopback (Netty's frame codec and stream multiplexer), in clear text with
 * prior knowledge or over TLS with ALPN {@code h2}, scripted by each test: every request, once whole,
 * goes to the script as an {@link Http2Exchange}, which answers it (status, fields, body, trailers,
 * after a delay), refuses its stream or holds it for later. It records what a test asserts on: the
 * requests as they arrived (pseudo-header fields, fields, body, trailers), the connections and, per
 * connection, the most streams open at once and whether it is still open. It can announce a
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS}, send a {@code GOAWAY} with any last stream id
 * ({@link Connection#goAway}), stop acknowledging {@code PING}s (a dead peer whose socket is still
 * open) and drop its connections without a word ({@link #dropConnections()}).
 */
public final class Http2Backend implements AutoCloseable {

    /** What a request on one stream is answered with; the script decides, once per request. */
    public interface Script extends Consumer<Http2Exchange> {
    }

    private final Channel listener;
    private final Script script;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Http2Exchange.Request> requests = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile boolean answerPings = true;
    private final boolean readsNoBody;
    private final AtomicLong bodyBytesRead = new AtomicLong();

    private Http2Backend(Builder builder) throws InterruptedException {
        this.script = builder.script;
        this.readsNoBody = builder.readsNoBody;
        SslContext tls = builder.certificate == null ? null : serverTls(builder.certificate);
        Http2Settings settings = Http2Settings.defaultSettings();
        if (builder.maxConcurrentStreams > 0) {
            settings.maxConcurrentStreams(builder.maxConcurrentStreams);
        }
        this.listener = new ServerBootstrap()
                .group(TestEventLoops.GROUP)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, TestEventLoops.UNTRACKED)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        Connection connection = new Connection(connections.size(), channel);
                        connections.add(connection);
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                        }
                        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                                .initialSettings(settings)
                                .autoAckPingFrame(false)
                                .build();
                        channel.pipeline().addLast(codec,
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel stream) {
                                        stream.pipeline().addLast(new Http2Exchange(Http2Backend.this, connection));
                                    }
                                }),
                                new ConnectionFrames());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    private static SslContext serverTls(TestCertificates.Issued certificate) {
        try {
            return SslContextBuilder.forServer(certificate.bundle().toKeyManagerFactory())
                    .sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the backend's TLS context", e);
        }
    }

    /** A backend whose script is {@code script}. */
    public static Builder scripted(Script script) {
        return new Builder(script);
    }

    /** A backend that answers every request with what {@code answers} makes of it. */
    public static Builder answering(Function<Http2Exchange.Request, Http2Exchange.Answer> answers) {
        return new Builder(exchange -> exchange.respond(answers.apply(exchange.request())));
    }

    /** How an {@link Http2Backend} is made. */
    public static final class Builder {
        private final Script script;
        private long maxConcurrentStreams;
        private TestCertificates.Issued certificate;
        private boolean readsNoBody;

        private Builder(Script script) {
            this.script = script;
        }

        /** Announces {@code SETTINGS_MAX_CONCURRENT_STREAMS}. */
        public Builder maxConcurrentStreams(long value) {
            maxConcurrentStreams = value;
            return this;
        }

        /** Speaks TLS with {@code value}, offering only {@code h2} by ALPN. */
        public Builder tls(TestCertificates.Issued value) {
            certificate = value;
            return this;
        }

        /**
         * Reads the head of each request and nothing after it, so that its stream's window is never
         * opened again: a backend that does not take a request body.
         */
        public Builder readingNoBody() {
            readsNoBody = true;
            return this;
        }

        public Http2Backend start() throws InterruptedException {
            return new Http2Backend(this);
        }
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort());
    }

    /** Every request that arrived whole, in the order they did. */
    public List<Http2Exchange.Request> requests() {
        return requests;
    }

    /** Every connection accepted, in order. */
    public List<Connection> connections() {
        return connections;
    }

    /** The most streams any one connection had open at once. */
    public int maxConcurrentStreamsSeen() {
        return connections.stream().mapToInt(Connection::maxOpenStreams).max().orElse(0);
    }

    /** Request body bytes read so far, on all streams. */
    public long bodyBytesRead() {
        return bodyBytesRead.get();
    }

    boolean readsNoBody() {
        return readsNoBody;
    }

    void bodyRead(int bytes) {
        bodyBytesRead.addAndGet(bytes);
    }

    /** PINGs received that were not acknowledgements. */
    public int pings() {
        return pings.get();
    }

    /** Whether PINGs are acknowledged (as a live peer does); when not, the connection looks dead. */
    public void answerPings(boolean value) {
        answerPings = value;
    }

    /** Closes every connection at once: no GOAWAY, no RST_STREAM, the socket just ends. */
    public void dropConnections() {
        // The first handler's context closes the socket past the HTTP/2 codec, which would send a GOAWAY.
        for (Connection connection : connections) {
            connection.drop();
        }
    }

    void arrived(Http2Exchange exchange) {
        requests.add(exchange.request());
        script.accept(exchange);
    }

    /**
     * Stops listening and closes every connection at once, without the codec's graceful close (a
     * GOAWAY, then a wait for open streams).
     */
    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        for (Connection connection : connections) {
            connection.closeNow(false);
        }
        channels.newCloseFuture().await(5, TimeUnit.SECONDS);
    }

    /** One connection a client opened: its streams and the GOAWAY it may be sent. */
    public static final class Connection {
        private final int index;
        private final Channel channel;
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger maxOpen = new AtomicInteger();
        private final AtomicInteger streams = new AtomicInteger();

        Connection(int index, Channel channel) {
            this.index = index;
            this.channel = channel;
        }

        /** Its place among the backend's connections, from 0. */
        public int index() {
            return index;
        }

        public boolean isOpen() {
            return channel.isOpen();
        }

        /** Waits up to {@code millis} for the connection to be closed (by either side); true when it is. */
        public boolean awaitClosed(long millis) throws InterruptedException {
            return channel.closeFuture().await(millis);
        }

        /** The streams opened on it so far. */
        public int streams() {
            return streams.get();
        }

        public int openStreams() {
            return open.get();
        }

        /** The most streams it had open at once. */
        public int maxOpenStreams() {
            return maxOpen.get();
        }

        /**
         * Sends {@code GOAWAY} (NO_ERROR) naming {@code lastStreamId}: streams above it are closed here
         * unanswered, as a server shutting down does, and the client may open no more; the connection
         * stays open for the streams at or below it.
         */
        public void goAway(int lastStreamId) {
            channel.eventLoop().execute(() -> {
                Http2FrameCodec codec = channel.pipeline().get(Http2FrameCodec.class);
                ChannelHandlerContext ctx = channel.pipeline().context(codec);
                codec.goAway(ctx, lastStreamId, 0, Unpooled.EMPTY_BUFFER, ctx.newPromise());
                ctx.flush();
            });
        }

        /** Ends the socket without a frame (no GOAWAY, no RST_STREAM): an RST, as from a crashed process. */
        public void drop() {
            closeNow(true);
        }

        void closeNow(boolean reset) {
            channel.eventLoop().execute(() -> {
                if (reset) {
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                }
                ChannelHandlerContext first = channel.pipeline().firstContext();
                if (first != null) {
                    first.close();
                }
            });
        }

        Channel channel() {
            return channel;
        }

        void streamOpened() {
            streams.incrementAndGet();
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        }

        void streamClosed() {
            open.decrementAndGet();
        }
    }

    /** What arrives on the connection itself: PINGs are acknowledged unless the test says not to. */
    private final class ConnectionFrames extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2PingFrame ping && !ping.ack()) {
                    pings.incrementAndGet();
                    if (answerPings) {
                        ctx.writeAndFlush(new DefaultHttp2PingFrame(ping.content(), true));
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static ByteBuf copy(byte[] bytes, int from, int length) {
        return Unpooled.wrappedBuffer(bytes, from, length);
    }
}
