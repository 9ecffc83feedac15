package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A backend that speaks HTTP/2 and nothing else (in clear text by prior knowledge, or over TLS with the
 * context given), on loopback: {@code /healthz} answers 200, {@code /503} answers 503, any other path 404.
 * It keeps the head of every request.
 */
public final class H2Server implements AutoCloseable {

    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("h2-backend", true), NioIoHandler.newFactory());
    private final List<Http2Headers> requests = new CopyOnWriteArrayList<>();
    private final Channel listener;

    private H2Server(SslContext tls) {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // the peer's buffers are not what a test examines; the code under test keeps its tracked ones
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(true, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new Answer());
                                    }
                                }));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    /** In clear text: HTTP/2 by prior knowledge. */
    public static H2Server start() {
        return new H2Server(null);
    }

    /** Over TLS with {@code context}, a server context (which may or may not choose h2 by ALPN). */
    public static H2Server startTls(SslContext context) {
        return new H2Server(context);
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort());
    }

    /** The heads of the requests received, oldest first. */
    public List<Http2Headers> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answer extends SimpleChannelInboundHandler<Http2StreamFrame> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame head) {
                requests.add(head.headers());
                String status = switch (head.headers().path().toString()) {
                    case "/healthz" -> "200";
                    case "/503" -> "503";
                    default -> "404";
                };
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), true));
            }
        }
    }
}
