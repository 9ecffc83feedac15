package dev.maitre.bench.ws;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket backend of the harness's {@code ws-50} workload: on one event loop, listens on
 * 127.0.0.1 at each port given and echoes every data frame at {@value #PATH} back as it came
 * (fragments as fragments, the payload not copied), answering pings and close frames as Netty's
 * protocol handler does. Its handshake answer names the listener ({@code X-Echo-Backend: e1},
 * {@code e2}...), so the harness can check that a proxy balances tunnels over both. Runs until
 * stopped (SIGTERM).
 *
 * <pre>java -cp benchmarks.jar dev.maitre.bench.ws.WebSocketEchoBackend PORT [PORT...]</pre>
 */
public final class WebSocketEchoBackend {

    static final String PATH = "/ws";
    private static final int MAX_FRAME_BYTES = 1 << 20;
    private static final int MAX_PLAIN_REQUEST_BYTES = 8192;

    private final EventLoopGroup loop;
    private final List<Channel> listeners;

    private WebSocketEchoBackend(EventLoopGroup loop, List<Channel> listeners) {
        this.loop = loop;
        this.listeners = listeners;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0) {
            System.err.println("usage: WebSocketEchoBackend PORT [PORT...]");
            System.exit(2);
        }
        int[] ports = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            ports[i] = WebSocketLoad.Settings.port("ports[" + i + "]", args[i]);
        }
        WebSocketEchoBackend backend = start(ports);
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "echo-backend-stop"));
        for (Channel listener : backend.listeners) {
            System.out.println("echoing WebSocket messages at ws://127.0.0.1:"
                    + ((InetSocketAddress) listener.localAddress()).getPort() + PATH);
        }
        backend.loop.terminationFuture().sync();
    }

    /** Listens on each port (0: any free one), the i-th answering its handshakes as {@code e(i+1)}. */
    static WebSocketEchoBackend start(int... ports) throws InterruptedException {
        EventLoopGroup loop = Loopback.newLoop("echo-backend");
        List<Channel> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < ports.length; i++) {
                listeners.add(bind(loop, "e" + (i + 1), ports[i]));
            }
        } catch (InterruptedException | RuntimeException e) {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return new WebSocketEchoBackend(loop, listeners);
    }

    private static Channel bind(EventLoopGroup loop, String name, int port) throws InterruptedException {
        WebSocketServerProtocolConfig protocol = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH)
                .checkStartsWith(true)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .build();
        return new ServerBootstrap()
                .group(loop)
                .channelFactory(Loopback.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_PLAIN_REQUEST_BYTES),
                                new NameInHandshake(name),
                                new WebSocketServerProtocolHandler(protocol),
                                new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
    }

    InetSocketAddress address(int index) {
        return (InetSocketAddress) listeners.get(index).localAddress();
    }

    void close() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Adds the listener's name to the 101 answer, then leaves the pipeline. */
    private static final class NameInHandshake extends ChannelOutboundHandlerAdapter {
        private final String name;

        NameInHandshake(String name) {
            this.name = name;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response) {
                response.headers().set("X-Echo-Backend", name);
                if (HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
                    ctx.pipeline().remove(this);
                }
            }
            ctx.write(msg, promise);
        }
    }

    /** Writes each data frame back; flushes once per read burst. Other requests get a 404. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame
                    || msg instanceof ContinuationWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else if (msg instanceof FullHttpRequest) {
                ReferenceCountUtil.release(msg);
                DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER);
                notFound.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
