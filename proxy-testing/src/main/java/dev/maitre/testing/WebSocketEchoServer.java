package dev.maitre.testing;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket server on loopback that echoes every text and binary message back unchanged, for
 * tests of what passes between a WebSocket client and its backend. Pings are answered with pongs and
 * a close frame is answered with a close frame, as Netty's {@link WebSocketServerProtocolHandler}
 * does; plain HTTP requests on other paths get a short 200 answer that names the server. It counts
 * the upgrade handshakes it accepted and keeps the request headers of the last one, and it can end
 * like a crashed process ({@link #crash()}).
 */
public final class WebSocketEchoServer implements AutoCloseable {

    public static final String DEFAULT_PATH = "/ws";
    /** Large enough for a 16 MiB message with room to spare. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    private static final int MAX_PLAIN_REQUEST_BYTES = 64 * 1024;
    /** How long {@link #close()} lets peers answer the close frame before it closes their connections anyway. */
    private static final Duration CLOSE_HANDSHAKE_WAIT = Duration.ofSeconds(5);

    private final String path;
    private final Channel listener;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ChannelGroup webSockets = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger handshakes = new AtomicInteger();
    private volatile WebSocketServerProtocolHandler.HandshakeComplete lastHandshake;

    private WebSocketEchoServer(String path, int maxMessageBytes, int port) throws InterruptedException {
        this.path = path;
        WebSocketServerProtocolConfig protocol = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .maxFramePayloadLength(maxMessageBytes)
                // closing a channel must not write a close frame of its own: crash() resets without one
                .sendCloseFrame(null)
                .build();
        this.listener = new ServerBootstrap()
                .group(TestEventLoops.GROUP)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, TestEventLoops.UNTRACKED)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline().addLast(
                                new HttpServerCodec(),
                                new HandshakeRecorder(),
                                new HttpObjectAggregator(MAX_PLAIN_REQUEST_BYTES),
                                new RequestKeeper(),
                                new WebSocketServerProtocolHandler(protocol),
                                new WebSocketFrameAggregator(maxMessageBytes),
                                new Echo(),
                                new PlainAnswer());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .sync()
                .channel();
    }

    /**
     * Starts a server with the WebSocket endpoint on {@value #DEFAULT_PATH} (and below it, and with
     * any query).
     */
    public static WebSocketEchoServer start() throws InterruptedException {
        return start(DEFAULT_PATH, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /**
     * Starts a server with the WebSocket endpoint on {@code path} (and below it, and with any query),
     * echoing messages up to {@code maxMessageBytes}.
     */
    public static WebSocketEchoServer start(String path, int maxMessageBytes) throws InterruptedException {
        return new WebSocketEchoServer(path, maxMessageBytes, 0);
    }

    /**
     * As {@link #start()}, on {@code port} of the loopback address: for a test that starts a crashed
     * server again where its peers know it, on the port the system gave the first one (never a port
     * guessed to be free).
     */
    public static WebSocketEchoServer startOn(int port) throws InterruptedException {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535, the port a server had)");
        }
        return new WebSocketEchoServer(DEFAULT_PATH, DEFAULT_MAX_MESSAGE_BYTES, port);
    }

    public HostPort address() {
        InetSocketAddress bound = socketAddress();
        return new HostPort("127.0.0.1", bound.getPort());
    }

    public InetSocketAddress socketAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public String path() {
        return path;
    }

    /** The upgrade handshakes this server accepted (answered with 101). */
    public int handshakes() {
        return handshakes.get();
    }

    /** The request headers of the last accepted handshake, or {@code null} before the first. */
    public HttpHeaders lastHandshakeHeaders() {
        WebSocketServerProtocolHandler.HandshakeComplete last = lastHandshake;
        return last == null ? null : last.requestHeaders();
    }

    /** The request target of the last accepted handshake, or {@code null} before the first. */
    public String lastHandshakeUri() {
        WebSocketServerProtocolHandler.HandshakeComplete last = lastHandshake;
        return last == null ? null : last.requestUri();
    }

    /** WebSocket connections of this server that are still open. */
    public int openWebSockets() {
        return webSockets.size();
    }

    /** Connections of this server that are still open, upgraded or not. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Sends {@code text} as a message of the server's own to every open WebSocket (for tests of the
     * backend-to-client direction without a client message first); returns when it is written.
     */
    public void sendToAll(String text) throws InterruptedException {
        webSockets.writeAndFlush(new TextWebSocketFrame(text)).await();
    }

    /**
     * Ends like a crashed backend: stops listening and resets every connection (SO_LINGER 0, so the
     * peer sees an RST), without a close frame. Returns when all of them are closed.
     */
    public void crash() throws InterruptedException {
        listener.close().sync();
        for (Channel connection : connections) {
            connection.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        connections.close().sync();
    }

    /**
     * Stops listening, ends each WebSocket with a close frame (1001, going away), lets the peers
     * answer it for a few seconds (the answer closes the connection) and then closes every
     * connection still open. Returns when all of them are closed.
     */
    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        for (Channel webSocket : webSockets) {
            webSocket.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE));
        }
        webSockets.newCloseFuture().await(CLOSE_HANDSHAKE_WAIT.toMillis());
        connections.close().sync();
    }

    /** The request a connection's {@code 101} answers, kept until the answer goes out. */
    private static final AttributeKey<WebSocketServerProtocolHandler.HandshakeComplete> REQUEST =
            AttributeKey.valueOf(WebSocketEchoServer.class, "request");

    /** Keeps each request's URI and headers, copies detached from the request, which is released. */
    private static final class RequestKeeper extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                ctx.channel().attr(REQUEST).set(new WebSocketServerProtocolHandler.HandshakeComplete(
                        request.uri(), new DefaultHttpHeaders().add(request.headers()), null));
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Counts an accepted handshake, keeps its request and counts the WebSocket open as its {@code 101}
     * goes out, before a byte of it is written: a client that has the {@code 101} finds them counted.
     */
    private final class HandshakeRecorder extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response && response.status().code() == 101) {
                WebSocketServerProtocolHandler.HandshakeComplete request = ctx.channel().attr(REQUEST).getAndSet(null);
                if (request != null) {
                    lastHandshake = new WebSocketServerProtocolHandler.HandshakeComplete(request.requestUri(),
                            request.requestHeaders(), response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
                }
                handshakes.incrementAndGet();
                webSockets.add(ctx.channel());
            }
            ctx.write(msg, promise);
        }
    }

    /**
     * Writes each whole message back as it came. Reading stops while the peer does not take the
     * echoes, so a client that never reads cannot make the server buffer without bound.
     */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(msg);
                if (!ctx.channel().isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Answers plain HTTP requests on paths other than the WebSocket endpoint with a line naming the server. */
    private final class PlainAnswer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf body = Unpooled.copiedBuffer("websocket echo server " + address() + "\n", CharsetUtil.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            HttpUtil.setContentLength(response, body.readableBytes());
            if (request.method().equals(HttpMethod.HEAD)) {
                response.content().clear();
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof FullHttpRequest) {
                super.channelRead(ctx, msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
