package dev.maitre.testing;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.CharsetUtil;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client for tests: it performs the upgrade handshake against a loopback address
 * (a backend, or the proxy in front of it), sends text, binary, ping and any raw frame, and hands
 * what arrives to the test through blocking waits with timeouts. Pings from the peer are answered
 * with pongs; a close frame from the peer is answered with a close frame. A refused handshake
 * surfaces as {@link WebSocketHandshakeRefused} with the answer's status.
 */
public final class WebSocketTestClient implements AutoCloseable {

    /** A close frame's status; {@code 1005} (no status received) when the frame carried none. */
    public record CloseStatus(int code, String reason) {
    }

    /**
     * How the connection ended: after a close frame from the peer ({@code closeReceived}), or
     * without one ({@link #abrupt()}), and the error that ended it, if any (a reset, for example).
     */
    public record ConnectionEnd(CloseStatus closeReceived, Throwable error) {
        public boolean abrupt() {
            return closeReceived == null;
        }
    }

    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The largest message this client accepts from its peer. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private static final int MAX_REFUSAL_BYTES = 1024 * 1024;
    private static final int NO_STATUS = 1005;

    private record Message(boolean text, byte[] bytes) {
    }

    private final Channel channel;
    private final Peer peer;

    private WebSocketTestClient(Channel channel, Peer peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /** Opens a WebSocket to {@code ws://address/path}. */
    public static WebSocketTestClient connect(HostPort address, String path) throws IOException, InterruptedException {
        return connect(address, path, Map.of());
    }

    /**
     * Opens a WebSocket to {@code ws://address/path}, sending {@code headers} with the upgrade
     * request ({@code Host} among them replaces the one taken from the address).
     *
     * @throws WebSocketHandshakeRefused when the answer is not {@code 101 Switching Protocols}
     * @throws IOException when the connection fails or no answer comes within {@link #HANDSHAKE_TIMEOUT}
     */
    public static WebSocketTestClient connect(HostPort address, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpHeaders extra = new DefaultHttpHeaders();
        headers.forEach(extra::add);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                URI.create("ws://" + address + path), WebSocketVersion.V13, null, false, extra,
                MAX_MESSAGE_BYTES, true, false, -1, false, false);
        Peer peer = new Peer(handshaker);
        ChannelFuture connecting = new Bootstrap()
                .group(TestEventLoops.GROUP)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, TestEventLoops.UNTRACKED)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) HANDSHAKE_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_REFUSAL_BYTES),
                                new WebSocketFrameAggregator(MAX_MESSAGE_BYTES), peer);
                    }
                })
                .connect(address.host(), address.port());
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                peer.handshake.completeExceptionally(connected.cause());
            }
        });
        Channel channel = connecting.channel();
        try {
            peer.handshake.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            channel.close();
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("WebSocket handshake with " + address + path + " failed", e.getCause());
        } catch (TimeoutException e) {
            channel.close();
            throw new IOException("no WebSocket handshake answer from " + address + path + " within " + HANDSHAKE_TIMEOUT);
        }
        return new WebSocketTestClient(channel, peer);
    }

    /**
     * Attempts a handshake that the test expects to be refused, and returns the refusal.
     *
     * @throws AssertionError when the handshake is accepted
     */
    public static WebSocketHandshakeRefused refusal(HostPort address, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        try (WebSocketTestClient accepted = connect(address, path, headers)) {
            throw new AssertionError("the WebSocket handshake with " + address + path + " was accepted ("
                    + accepted.handshakeStatus() + "), expected a refusal");
        } catch (WebSocketHandshakeRefused refused) {
            return refused;
        }
    }

    /** The handshake answer's status: 101. */
    public int handshakeStatus() {
        return peer.handshakeStatus;
    }

    /** The handshake answer's headers. */
    public HttpHeaders handshakeHeaders() {
        return peer.handshakeHeaders;
    }

    public ChannelFuture sendText(String text) {
        return send(new TextWebSocketFrame(text));
    }

    public ChannelFuture sendBinary(byte[] bytes) {
        return send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    public ChannelFuture sendPing(byte[] payload) {
        return send(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    }

    /** Sends any frame as given (a fragment, a pong, a close frame); the client owns it from here. */
    public ChannelFuture send(WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame) {
            peer.closeSent = true;
        }
        return channel.writeAndFlush(frame);
    }

    /** The next message, which must be text. */
    public String awaitText(Duration timeout) throws InterruptedException {
        Message message = awaitMessage(timeout, "text");
        if (!message.text()) {
            throw new AssertionError("expected a text message, received a binary one of " + message.bytes().length + " bytes");
        }
        return new String(message.bytes(), CharsetUtil.UTF_8);
    }

    /** The next message, which must be binary. */
    public byte[] awaitBinary(Duration timeout) throws InterruptedException {
        Message message = awaitMessage(timeout, "binary");
        if (message.text()) {
            throw new AssertionError("expected a binary message, received a text one: " + abbreviated(message));
        }
        return message.bytes();
    }

    /** The payload of the next pong. */
    public byte[] awaitPong(Duration timeout) throws InterruptedException {
        byte[] pong = peer.pongs.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (pong == null) {
            throw new AssertionError("no pong within " + timeout + state());
        }
        return pong;
    }

    /** The status of the close frame the peer sent (this client has answered it). */
    public CloseStatus awaitClose(Duration timeout) throws InterruptedException {
        try {
            return peer.closeReceived.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no close frame within " + timeout + state());
        }
    }

    /** Waits until the connection ends, however it ends. */
    public ConnectionEnd awaitConnectionEnd(Duration timeout) throws InterruptedException {
        try {
            return peer.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the connection did not end within " + timeout);
        }
    }

    /**
     * Performs the close handshake: sends a close frame with {@code code} and {@code reason}, waits
     * for the peer's close frame and the end of the connection, and returns the peer's status.
     */
    public CloseStatus closeHandshake(int code, String reason, Duration timeout) throws InterruptedException {
        send(new CloseWebSocketFrame(code, reason));
        CloseStatus answer = awaitClose(timeout);
        awaitConnectionEnd(timeout);
        return answer;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Messages received and not yet taken by an await. */
    public int pendingMessages() {
        return peer.messages.size();
    }

    /** Ends the WebSocket with a close handshake (1000) when it is still open, then closes the connection. */
    @Override
    public void close() throws InterruptedException {
        if (channel.isActive() && !peer.closeSent) {
            send(new CloseWebSocketFrame(1000, "")).await(HANDSHAKE_TIMEOUT.toMillis());
            try {
                peer.ended.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the peer did not end it: this side does, below
            }
        }
        channel.close().await();
    }

    private Message awaitMessage(Duration timeout, String kind) throws InterruptedException {
        Message message = peer.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no " + kind + " message within " + timeout + state());
        }
        return message;
    }

    private String state() {
        ConnectionEnd end = peer.ended.getNow(null);
        return end == null ? " (the connection is open)" : " (the connection ended: " + end + ")";
    }

    private static String abbreviated(Message message) {
        String text = new String(message.bytes(), CharsetUtil.UTF_8);
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    /** The client's end of the pipeline: finishes the handshake, then sorts frames into the waits. */
    private static final class Peer extends SimpleChannelInboundHandler<Object> {
        final WebSocketClientHandshaker handshaker;
        final CompletableFuture<Void> handshake = new CompletableFuture<>();
        final CompletableFuture<CloseStatus> closeReceived = new CompletableFuture<>();
        final CompletableFuture<ConnectionEnd> ended = new CompletableFuture<>();
        final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
        volatile int handshakeStatus;
        volatile HttpHeaders handshakeHeaders;
        volatile boolean closeSent;
        private Throwable error;

        Peer(WebSocketClientHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            handshaker.handshake(ctx.channel()).addListener(written -> {
                if (!written.isSuccess()) {
                    handshake.completeExceptionally(new IOException("the upgrade request was not sent", written.cause()));
                }
            });
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                finishHandshake(ctx, (FullHttpResponse) msg);
            } else if (msg instanceof TextWebSocketFrame text) {
                messages.add(new Message(true, ByteBufUtil.getBytes(text.content())));
            } else if (msg instanceof BinaryWebSocketFrame binary) {
                messages.add(new Message(false, ByteBufUtil.getBytes(binary.content())));
            } else if (msg instanceof PongWebSocketFrame pong) {
                pongs.add(ByteBufUtil.getBytes(pong.content()));
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode() < 0 ? NO_STATUS : close.statusCode();
                String reason = close.reasonText() == null ? "" : close.reasonText();
                closeReceived.complete(new CloseStatus(code, reason));
                if (closeSent) {
                    ctx.close();
                } else {
                    closeSent = true;
                    ctx.writeAndFlush(close.retainedDuplicate()).addListener(written -> ctx.close());
                }
            }
        }

        private void finishHandshake(ChannelHandlerContext ctx, FullHttpResponse response) {
            handshakeStatus = response.status().code();
            handshakeHeaders = new DefaultHttpHeaders().add(response.headers());
            if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                handshake.completeExceptionally(new WebSocketHandshakeRefused(response.status().code(),
                        handshakeHeaders, response.content().toString(CharsetUtil.UTF_8)));
                ctx.close();
                return;
            }
            try {
                handshaker.finishHandshake(ctx.channel(), response);
                handshake.complete(null);
            } catch (RuntimeException invalid) {
                handshake.completeExceptionally(new IOException("invalid WebSocket handshake answer", invalid));
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (error == null) {
                error = cause;
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshake.completeExceptionally(new IOException("the connection closed before the handshake answer", error));
            ended.complete(new ConnectionEnd(closeReceived.getNow(null), error));
            super.channelInactive(ctx);
        }
    }
}
