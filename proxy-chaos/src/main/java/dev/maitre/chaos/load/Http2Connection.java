package dev.maitre.chaos.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One HTTP/2 connection to maitre's clear-text listener, with prior knowledge (it opens with the
 * preface), which the streams of one or more clients share. It is opened when a stream first needs
 * it, and again when the last one has ended or was told to go away; the clients' threads ask for
 * it one at a time. How a connection ended is noted on it, for the streams that end with it.
 */
final class Http2Connection implements AutoCloseable {

    /** What ended the connection, when something did (a reset, a protocol error). */
    static final AttributeKey<Throwable> FAILURE = AttributeKey.valueOf(Http2Connection.class, "failure");
    /** Present once maitre sent {@code GOAWAY}: no new stream goes on the connection. */
    private static final AttributeKey<Boolean> GONE_AWAY = AttributeKey.valueOf(Http2Connection.class, "goneAway");

    private final Bootstrap bootstrap;
    private Channel channel;
    private boolean used;

    Http2Connection(Bootstrap bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** How the connections of one load generator are opened: to loopback {@code port}, on {@code group}. */
    static Bootstrap bootstrap(EventLoopGroup group, int port, int connectTimeoutMillis) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .remoteAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                Http2FrameCodecBuilder.forClient()
                                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                                        // Closing sends GOAWAY and closes at once: a client gone is gone.
                                        .gracefulShutdownTimeoutMillis(0)
                                        .build(),
                                // maitre never pushes (push is off); a stream it opened would be refused by the codec.
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ConnectionEnd());
                    }
                });
    }

    /** The open connection to start a stream on, and whether an earlier stream went on it. */
    record Lease(Channel channel, boolean reused) { }

    /**
     * The connection, opened now if there is none that may take a new stream; throws what the
     * connect failed with (refused, timed out).
     */
    synchronized Lease lease() throws Exception {
        if (channel == null || !channel.isActive() || channel.hasAttr(GONE_AWAY)) {
            if (channel != null) {
                channel.close();
            }
            channel = null;
            ChannelFuture connect = bootstrap.connect().awaitUninterruptibly();
            if (!connect.isSuccess()) {
                throw connect.cause() instanceof Exception e ? e : new IOException(connect.cause());
            }
            channel = connect.channel();
            used = false;
        }
        boolean reused = used;
        used = true;
        return new Lease(channel, reused);
    }

    /** Sends {@code GOAWAY} and closes; a stream still open on it ends as closed. */
    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
            channel = null;
        }
    }

    /**
     * The connection's last handler: it notes a {@code GOAWAY} and what made the connection fail,
     * and releases the connection-level frames nobody else reads (settings, pings, {@code GOAWAY}).
     */
    private static final class ConnectionEnd extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame) {
                ctx.channel().attr(GONE_AWAY).set(Boolean.TRUE);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.channel().attr(FAILURE).setIfAbsent(cause);
            ctx.close();
        }
    }
}
