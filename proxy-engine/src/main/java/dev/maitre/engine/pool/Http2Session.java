package dev.maitre.engine.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * One HTTP/2 connection to a backend, on which exchanges open streams: how many are open, whether
 * another may be (the backend's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, at most
 * {@link #MAX_STREAMS} of maitre's own, no {@code GOAWAY} received), when it was last idle, and
 * whether it still answers: a connection with streams open that has read nothing for
 * {@link #PING_AFTER_NANOS} is sent a {@code PING}, and closed when no acknowledgement comes within
 * {@link #PING_TIMEOUT_NANOS} (its streams fail, and are retried or answered as any broken
 * connection's).
 *
 * <p>Each stream is a child channel with the pipeline of an HTTP/1.1 backend connection behind a
 * bridge ({@link Http2StreamBridge} → {@link BackendCodec} → {@link BackendConnection}), so the
 * exchange drives it exactly as it drives a pooled HTTP/1.1 connection: reads asked for one at a
 * time (each opening the stream's window by what it read), writability that follows the stream's
 * window, and a close that resets the stream.
 */
final class Http2Session extends ChannelInboundHandlerAdapter {

    /** Streams maitre opens on one connection at most, whatever the backend allows; another connection takes more. */
    static final int MAX_STREAMS = 100;
    static final long PING_AFTER_NANOS = 10_000_000_000L;
    static final long PING_TIMEOUT_NANOS = 5_000_000_000L;
    /** How much of an answer a backend may send on a stream before maitre passed it on. */
    static final int STREAM_WINDOW = 256 * 1024;
    static final int CONNECTION_WINDOW = 4 * 1024 * 1024;

    private final boolean tls;
    private Channel channel;
    private Http2FrameCodec codec;
    private Http2StreamChannelBootstrap streams;
    private int open;
    private long idleSinceNanos;
    private long lastReadNanos;
    private long pingSentNanos = -1;
    private boolean closeWhenIdle;

    private Http2Session(boolean tls) {
        this.tls = tls;
    }

    /** The pipeline of a new connection to a backend spoken to in HTTP/2. */
    static ChannelHandler initializer(boolean tls) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)
                                .initialWindowSize(STREAM_WINDOW))
                        .validateHeaders(true)
                        .build();
                ch.pipeline().addLast("h2", codec)
                        .addLast("streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                        .addLast("session", new Http2Session(tls));
            }
        };
    }

    static Http2Session of(Channel channel) {
        return channel.pipeline().get(Http2Session.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(Http2FrameCodec.class);
        boolean secure = tls;
        streams = new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        Http2StreamBridge bridge = new Http2StreamBridge();
                        stream.pipeline().addLast("bridge", bridge)
                                .addLast("http", new BackendCodec(bridge, secure))
                                .addLast("backend", new BackendConnection());
                    }
                });
        idleSinceNanos = ctx.executor().ticker().nanoTime();
        lastReadNanos = idleSinceNanos;
    }

    /** Whether another stream may be opened here now. */
    boolean hasRoom() {
        return channel.isActive() && !closeWhenIdle && !codec.connection().goAwayReceived() && !codec.connection().goAwaySent()
                && open < streamLimit();
    }

    /** Opens a stream; on this connection's loop, which completes it at once. Null when it could not be. */
    Channel openStream() {
        Future<Http2StreamChannel> opened = streams.open();
        Http2StreamChannel stream = opened.getNow();
        if (stream == null) {
            return null;
        }
        open++;
        stream.closeFuture().addListener(closed -> {
            open--;
            if (open == 0) {
                idleSinceNanos = channel.eventLoop().ticker().nanoTime();
                if (closeWhenIdle || codec.connection().goAwayReceived()) {
                    channel.close();
                }
            }
        });
        // Reading the stream ahead of the exchange's asking would only fill its window.
        stream.config().setAutoRead(false);
        return stream;
    }

    /** No stream is opened here any more; the connection closes once the open ones are over. */
    void closeWhenIdle() {
        closeWhenIdle = true;
        if (open == 0) {
            channel.close();
        }
    }

    /**
     * How many streams this connection takes at once: the backend's {@code SETTINGS_MAX_CONCURRENT_STREAMS}
     * once its settings came, {@link #MAX_STREAMS} at most.
     */
    int streamLimit() {
        return Math.min(MAX_STREAMS, codec.connection().local().maxActiveStreams());
    }

    /** Whether the backend's settings came, so that {@link #streamLimit()} is the backend's own. */
    boolean settingsKnown() {
        return codec.decoder().prefaceReceived();
    }

    int openStreams() {
        return open;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Sends a PING to a connection with streams open that read nothing for a while; closes one that does not answer. */
    void checkAlive(long nowNanos) {
        if (open == 0 || !channel.isActive()) {
            pingSentNanos = -1;
            return;
        }
        if (pingSentNanos >= 0) {
            if (nowNanos - pingSentNanos > PING_TIMEOUT_NANOS) {
                channel.close();
            }
            return;
        }
        if (nowNanos - lastReadNanos > PING_AFTER_NANOS) {
            pingSentNanos = nowNanos;
            channel.writeAndFlush(new DefaultHttp2PingFrame(nowNanos), channel.voidPromise());
        }
    }

    /**
     * The connection's own window, shared by its streams, is opened to what many streams need at once;
     * each stream's stays at {@link #STREAM_WINDOW}.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.channel().config().setAutoRead(true);
        Http2Stream connection = codec.connection().connectionStream();
        int more = CONNECTION_WINDOW - codec.decoder().flowController().windowSize(connection);
        if (more > 0) {
            codec.decoder().flowController().incrementWindowSize(connection, more);
            ctx.flush();
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
            pingSentNanos = -1;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
