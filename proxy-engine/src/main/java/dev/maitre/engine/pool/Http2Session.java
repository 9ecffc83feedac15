package dev.maitre.engine.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to a backend, on which exchanges open streams: how many are open, whether
 * another may be (the backend's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, at most
 * {@link #MAX_STREAMS} of maitre's own, its first {@code SETTINGS} came and no {@code GOAWAY}), when
 * it was last idle, and whether it still answers: a connection with streams open that has read
 * nothing for a while is sent a {@code PING}, and closed when no acknowledgement comes in time
 * ({@link Http2Liveness}; its streams fail, and are retried or answered as any broken connection's).
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
    /** How much of an answer a backend may send on a stream before maitre passed it on. */
    static final int STREAM_WINDOW = 256 * 1024;
    static final int CONNECTION_WINDOW = 4 * 1024 * 1024;

    private final boolean tls;
    private final long pingAfterNanos;
    private final long pingTimeoutNanos;
    private Channel channel;
    /** Completed by the backend's first SETTINGS: until then how many streams it allows is unknown. */
    private ChannelPromise ready;
    /** Exchanges waiting for this connection to be ready, each for a stream of its own. */
    private int waiting;
    private Http2FrameCodec codec;
    private Http2StreamChannelBootstrap streams;
    private int open;
    /** Streams opened here so far. */
    private int streamsOpened;
    private long idleSinceNanos;
    private long lastReadNanos;
    private long pingSentNanos = -1;
    private boolean closeWhenIdle;
    /** A GOAWAY came. */
    private boolean goAway;

    private Http2Session(boolean tls, Http2Liveness liveness) {
        this.tls = tls;
        this.pingAfterNanos = liveness.pingAfter().toNanos();
        this.pingTimeoutNanos = liveness.pingTimeout().toNanos();
    }

    /**
     * The pipeline of a new connection to a backend spoken to in HTTP/2: this session alone until
     * {@link #start} (after the TLS handshake chose {@code h2}) adds the HTTP/2 codec, so that not a
     * byte of HTTP/2, the preface included, goes to a backend that did not agree to it.
     */
    static ChannelHandler initializer(boolean tls, Http2Liveness liveness) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("session", new Http2Session(tls, liveness));
            }
        };
    }

    static Http2Session of(Channel channel) {
        return channel.pipeline().get(Http2Session.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
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
        ready = channel.newPromise();
    }

    /** Completed once the backend's first {@code SETTINGS} arrived; failed when the connection ended before. */
    ChannelPromise ready() {
        return ready;
    }

    /**
     * Speaks HTTP/2 on the connection, now connected (and over TLS, with {@code h2} chosen): the codec
     * sends the preface and maitre's SETTINGS, and the connection's own window, shared by its
     * streams, is opened to what many streams need at once (each stream's stays at
     * {@link #STREAM_WINDOW}). Closes the connection when the backend's first {@code SETTINGS} did
     * not arrive within {@code settingsMillis}.
     */
    void start(long settingsMillis) {
        codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(STREAM_WINDOW))
                .validateHeaders(true)
                .build();
        String self = channel.pipeline().context(this).name();
        channel.pipeline().addBefore(self, "h2", codec)
                .addBefore(self, "streams", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        Http2Stream connection = codec.connection().connectionStream();
        int more = CONNECTION_WINDOW - codec.decoder().flowController().windowSize(connection);
        if (more > 0) {
            try {
                codec.decoder().flowController().incrementWindowSize(connection, more);
            } catch (Http2Exception e) {
                channel.close();
                return;
            }
        }
        channel.flush();
        channel.config().setAutoRead(true);
        var timeout = channel.eventLoop().schedule(() -> {
            if (ready.tryFailure(new IOException("no HTTP/2 SETTINGS from the backend within " + settingsMillis
                    + " ms"))) {
                channel.close();
            }
        }, settingsMillis, TimeUnit.MILLISECONDS);
        ready.addListener(done -> timeout.cancel(false));
    }

    /**
     * Counts one more exchange waiting for this connection, when it is not ready yet and {@code room}
     * (the streams it is expected to allow) is not taken by those waiting already.
     */
    boolean await(int room) {
        if (ready.isDone() || !channel.isOpen() || waiting >= room) {
            return false;
        }
        waiting++;
        return true;
    }

    /** How many streams the backend allows at once (known once ready). */
    int maxStreams() {
        return Math.min(MAX_STREAMS, codec.connection().local().maxActiveStreams());
    }

    /** Whether another stream may be opened here now. */
    boolean hasRoom() {
        return channel.isActive() && ready.isSuccess() && !closeWhenIdle && !goAway
                && !codec.connection().goAwaySent() && open < maxStreams();
    }

    /** Opens a stream; on this connection's loop, which completes it at once. Null when it could not be. */
    Channel openStream() {
        Future<Http2StreamChannel> opened = streams.open();
        Http2StreamChannel stream = opened.getNow();
        if (stream == null) {
            return null;
        }
        if (streamsOpened++ > 0) {
            BackendConnection.of(stream).onReusedConnection();
        }
        open++;
        stream.closeFuture().addListener(closed -> {
            open--;
            if (open == 0) {
                idleSinceNanos = channel.eventLoop().ticker().nanoTime();
                if (closeWhenIdle || goAway) {
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
            if (nowNanos - pingSentNanos > pingTimeoutNanos) {
                channel.close();
            }
            return;
        }
        if (nowNanos - lastReadNanos > pingAfterNanos) {
            pingSentNanos = nowNanos;
            channel.writeAndFlush(new DefaultHttp2PingFrame(nowNanos), channel.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
            pingSentNanos = -1;
        } else if (msg instanceof Http2SettingsFrame) {
            // Netty applied them before passing them on: maxStreams() is the backend's from now on.
            waiting = 0;
            ready.trySuccess();
        } else if (msg instanceof Http2GoAwayFrame) {
            // The backend's, or the one Netty makes up when this connection ran out of stream ids: no
            // stream is opened here any more, and with none left to finish the connection is over now.
            goAway = true;
            if (open == 0) {
                ctx.close();
            }
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastReadNanos = ctx.executor().ticker().nanoTime();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ready.tryFailure(new IOException("connection closed before the backend's HTTP/2 SETTINGS"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
