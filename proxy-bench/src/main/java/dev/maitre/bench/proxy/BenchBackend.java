package dev.maitre.bench.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The backend every proxy benchmark talks to, directly or through maitre: one Netty event loop
 * serving two loopback ports. The HTTP port answers {@code GET /N} with N bytes (any other path
 * with {@value #DEFAULT_BODY_BYTES}); the TCP port reads a 4-byte big-endian N and writes N bytes
 * back, as often as it is asked on one connection. Payloads are slices of one preallocated buffer,
 * so the backend copies nothing per request.
 */
final class BenchBackend implements AutoCloseable {

    static final int MAX_PAYLOAD_BYTES = 1 << 20;
    static final int DEFAULT_BODY_BYTES = 100;

    private final EventLoopGroup group;
    private final ByteBuf payload;
    private final Channel http;
    private final Channel tcp;

    private BenchBackend(EventLoopGroup group, ByteBuf payload, Channel http, Channel tcp) {
        this.group = group;
        this.payload = payload;
        this.http = http;
        this.tcp = tcp;
    }

    static BenchBackend start() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ByteBuf payload = Unpooled.directBuffer(MAX_PAYLOAD_BYTES);
        for (int i = 0; i < MAX_PAYLOAD_BYTES; i++) {
            payload.writeByte('a' + i % 26);
        }
        ByteBuf shared = payload.asReadOnly();
        try {
            Channel http = bind(group, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpResponder(shared));
                }
            });
            Channel tcp = bind(group, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new FixedLengthFrameDecoder(Integer.BYTES), new TcpResponder(shared));
                }
            });
            return new BenchBackend(group, payload, http, tcp);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            payload.release();
            throw e;
        }
    }

    private static Channel bind(EventLoopGroup group, ChannelInitializer<SocketChannel> initializer)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    InetSocketAddress httpAddress() {
        return (InetSocketAddress) http.localAddress();
    }

    InetSocketAddress tcpAddress() {
        return (InetSocketAddress) tcp.localAddress();
    }

    @Override
    public void close() {
        http.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        payload.release();
    }

    private static final class HttpResponder extends SimpleChannelInboundHandler<HttpObject> {
        private final ByteBuf payload;

        HttpResponder(ByteBuf payload) {
            this.payload = payload;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (!(msg instanceof HttpRequest request)) {
                return;
            }
            int size = bodySize(request.uri());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    payload.retainedSlice(0, size));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, size);
            if (HttpUtil.isKeepAlive(request)) {
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static int bodySize(String uri) {
            try {
                int size = Integer.parseInt(uri.substring(1));
                return size >= 0 && size <= MAX_PAYLOAD_BYTES ? size : DEFAULT_BODY_BYTES;
            } catch (RuntimeException e) {
                return DEFAULT_BODY_BYTES;
            }
        }
    }

    private static final class TcpResponder extends SimpleChannelInboundHandler<ByteBuf> {
        private final ByteBuf payload;

        TcpResponder(ByteBuf payload) {
            this.payload = payload;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            int size = msg.readInt();
            if (size < 0 || size > MAX_PAYLOAD_BYTES) {
                ctx.close();
                return;
            }
            ctx.writeAndFlush(payload.retainedSlice(0, size), ctx.voidPromise());
        }
    }
}
