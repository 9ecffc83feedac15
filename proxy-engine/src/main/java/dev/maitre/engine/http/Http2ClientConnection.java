package dev.maitre.engine.http;

import dev.maitre.engine.http2.Http2Limits;
import dev.maitre.engine.http2.RequestHeads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of an HTTP listener speaking HTTP/2: Netty's HTTP/2 codec, with maitre's
 * settings and attack limits ({@link Http2Limits}), each stream served by an {@link Http2StreamSide}
 * that runs the stream's request as an exchange of the core. The connection itself keeps the idle
 * timeout (no stream open for {@code timeouts.idle}: {@code GOAWAY} and close) and the drain
 * ({@code GOAWAY} naming the last stream taken, then close once those streams are done).
 *
 * <p>The connection is read as long as it takes what maitre writes to it: every request body waits
 * under the flow-control windows until its exchange passes it on, and what a client asks maitre to
 * send back without reading it (setting and ping acknowledgements) is capped by the codec, so
 * reading stops only while the client does not read.
 */
final class Http2ClientConnection extends Http2ConnectionHandler implements ConnectionDeadline.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ClientConnection.class);
    private static final AttributeKey<Http2ClientConnection> HTTP2 = AttributeKey.valueOf("maitre.http2");

    private final HttpListenerContext listener;
    private final ClientHop hop;
    private final Http2Connection.PropertyKey sideKey;
    private ChannelHandlerContext ctx;
    /** The connection's one timer: the idle timeout while no stream is open, the streams' exchange timers while some are. */
    private ConnectionDeadline deadline;
    /** The streams' exchange timers, on {@link #deadline}. */
    private Http2StreamTimers streamTimers;
    private boolean goingAway;
    /** The streams maitre reset lately, whose frames may still cross the reset. */
    private final RecentStreams resetStreams = new RecentStreams();
    /**
     * Bytes held for this connection's streams outside its channel's outbound buffer: request body
     * waiting in the stream sides, answers waiting in the flow controller for the client's window.
     * Written on the event loop only; read by {@link #heldBytes} from anywhere.
     */
    private volatile long held;

    Http2ClientConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                  Http2Settings settings, HttpListenerContext listener, ClientHop hop,
                                  Http2AnswerBytes answerBytes) {
        super(decoder, encoder, settings, true);
        this.listener = listener;
        this.hop = hop;
        this.sideKey = connection().newKey();
        answerBytes.tell(this);
        decoder.frameListener(new Frames());
        connection().addListener(new Streams());
        encoder.flowController().listener(stream -> {
            Http2StreamSide side = side(stream);
            if (side != null) {
                side.writabilityChanged();
            }
        });
    }

    /** The handler for a connection of {@code listener} from {@code hop}, with the listener's HTTP/2 settings. */
    static Http2ClientConnection create(HttpListenerContext listener, ClientHop hop) {
        return new Http2ClientConnectionBuilder(listener, hop).build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.deadline = new ConnectionDeadline(ctx.executor(), this);
        this.streamTimers = new Http2StreamTimers(deadline);
        ctx.channel().attr(HTTP2).set(this);
        ctx.channel().config().setAutoRead(true);
        super.handlerAdded(ctx);
        int window = Http2Limits.connectionWindow(listener.config().http2());
        Http2Stream connectionStream = connection().connectionStream();
        int more = window - decoder().flowController().windowSize(connectionStream);
        if (more > 0) {
            decoder().flowController().incrementWindowSize(connectionStream, more);
        }
        idle();
        flush(ctx);
    }

    /**
     * Bytes {@code ch}'s HTTP/2 streams hold beyond its outbound buffer (request body not yet passed
     * on, answer bytes waiting for the client's window); 0 for a connection that is not HTTP/2.
     */
    static long heldBytes(Channel ch) {
        if (!ch.hasAttr(HTTP2)) {
            return 0;
        }
        Http2ClientConnection connection = ch.attr(HTTP2).get();
        return connection == null ? 0 : connection.held;
    }

    /** {@code delta} more bytes are held for a stream (fewer when negative). */
    void held(long delta) {
        if (delta != 0) {
            held += delta;
        }
    }

    /** The flow controller holds {@code pending} answer bytes of {@code stream} now. */
    void answerPending(Http2Stream stream, long pending) {
        Http2StreamSide side = side(stream);
        if (side != null) {
            held(side.answerPending(pending));
        }
    }

    HttpListenerContext listener() {
        return listener;
    }

    ClientHop hop() {
        return hop;
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Whether the connection is going away: no new stream is taken. */
    boolean goingAway() {
        return goingAway;
    }

    SSLSession tlsSession() {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return tls == null ? null : tls.engine().getSession();
    }

    /** Writes out what the streams wrote: the codec's own flush, which also sends what flow control held back. */
    void flushNow() {
        flush(ctx);
    }

    /** Gives back {@code bytes} of {@code stream}'s window, and of the connection's: they left maitre. */
    void consumed(Http2Stream stream, int bytes) {
        if (bytes <= 0) {
            return;
        }
        try {
            if (decoder().flowController().consumeBytes(stream, bytes)) {
                flush(ctx);
            }
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    /** Resets {@code stream} with {@code error}. */
    void reset(Http2Stream stream, Http2Error error) {
        resetStreams.add(stream.id());
        resetStream(ctx, stream.id(), error.code(), ctx.newPromise());
        flush(ctx);
    }

    /**
     * A frame on a stream maitre reset, sent before the client read the reset, is let go (RFC 9113
     * §5.1: such frames are ignored): a client streaming a body whose call maitre ended has a window's
     * worth of DATA frames in flight, and a reset for each would soon reach the limit on resets sent
     * ({@link Http2Limits#MAX_RESETS_PER_WINDOW}), which closes the connection and every call on it.
     * Any other frame on a stream that is closed, or that the client never opened below the last it
     * did, is a connection error (RFC 9113 §5.1, §5.1.1), where Netty answers with a stream error.
     */
    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException error) {
        int id = error.streamId();
        if (!outbound && error.error() == Http2Error.STREAM_CLOSED && connection().stream(id) == null) {
            if (resetStreams.contains(id)) {
                return;
            }
            if (connection().remote().isValidStreamId(id) && id <= connection().remote().lastStreamCreated()) {
                onConnectionError(ctx, false, cause, Http2Exception.connectionError(Http2Error.STREAM_CLOSED,
                        "frame on closed stream %d", id));
                return;
            }
        }
        Http2Stream stream = connection().stream(id);
        if (stream != null) {
            resetStreams.add(id);
            if (!outbound && error.error() == Http2Error.PROTOCOL_ERROR && side(stream) != null
                    && !stream.state().remoteSideOpen()) {
                // Whatever is wrong with a frame the client sent after ending the stream, its error is that
                // it came at all (RFC 9113 §5.1, half-closed (remote)).
                error = (Http2Exception.StreamException) Http2Exception.streamError(id, Http2Error.STREAM_CLOSED,
                        cause, "frame on stream %d after its END_STREAM", id);
            }
        }
        super.onStreamError(ctx, outbound, cause, error);
    }

    /** Graceful shutdown of the engine or of the listener: no new stream, close once the open ones are done. */
    void drain() {
        if (goingAway || !ctx.channel().isActive()) {
            return;
        }
        goingAway = true;
        goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                ctx.newPromise());
        flush(ctx);
        closeIfDone();
    }

    private void closeIfDone() {
        if (goingAway && connection().numActiveStreams() == 0) {
            ctx.close();
        }
    }

    private Http2StreamSide side(Http2Stream stream) {
        return stream.getProperty(sideKey);
    }

    /** No stream is open: the connection waits for one for {@code timeouts.idle}. */
    private void idle() {
        streamTimers.forget();
        deadline.set(listener.config().timeouts().idle().toNanos(), ConnectionDeadline.Kind.IDLE);
    }

    /** A stream's exchange waits for at most {@code delayNanos}; returns when its timer expires, on the loop's ticker. */
    long armStreamTimer(long delayNanos) {
        return streamTimers.arm(delayNanos, ctx.executor().ticker().nanoTime());
    }

    @Override
    public void onDeadline(ConnectionDeadline.Kind kind) {
        if (kind == ConnectionDeadline.Kind.EXCHANGE) {
            try {
                streamTimers.expired(connection(), this::side, ctx.executor().ticker().nanoTime());
            } catch (Http2Exception e) {
                onError(ctx, false, e);
            }
            return;
        }
        if (kind == ConnectionDeadline.Kind.IDLE && connection().numActiveStreams() == 0) {
            goingAway = true;
            goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                    ctx.newPromise());
            flush(ctx);
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        // Reading stops while the client does not take what is written to it.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Nothing more can come: the streams open are answered, then the connection closes.
            ReferenceCountUtil.release(evt);
            drain();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        listener.connectionClosed();
        deadline.stop();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause);
        } else if (cause instanceof IOException) {
            LOG.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
            ctx.close();
        } else {
            // Nothing of this connection can be trusted after an unexpected failure: GOAWAY INTERNAL_ERROR.
            LOG.warn("HTTP/2 connection {} failed", ctx.channel(), cause);
            onError(ctx, false, cause);
        }
    }

    /** The frames that concern a stream's request: its headers, body and trailers. */
    private final class Frames extends Http2FrameAdapter {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) throws Http2Exception {
            Http2Stream stream = connection().stream(streamId);
            if (stream == null) {
                return;
            }
            Http2StreamSide side = side(stream);
            if (side != null) {
                if (!stream.state().remoteSideOpen()) {
                    // RFC 9113 §5.1: the client ended the stream already.
                    throw Http2Exception.streamError(streamId, Http2Error.STREAM_CLOSED,
                            "HEADERS on stream %d after its END_STREAM", streamId);
                }
                side.onTrailers(RequestHeads.trailers(streamId, headers, endOfStream));
                return;
            }
            ByteBuf head = RequestHeads.write(streamId, headers, endOfStream, ctx.alloc());
            side = new Http2StreamSide(Http2ClientConnection.this, stream, headers);
            stream.setProperty(sideKey, side);
            side.start(head, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            Http2Stream stream = connection().stream(streamId);
            Http2StreamSide side = stream == null ? null : side(stream);
            if (side == null) {
                return data.readableBytes() + padding;
            }
            // The padding is let go at once; the data only as its exchange passes it on.
            return padding + side.onData(data, endOfStream);
        }
    }

    /** Streams opening and closing: the idle timeout, the streams' ends, the drain's end. */
    private final class Streams extends Http2ConnectionAdapter {

        @Override
        public void onStreamActive(Http2Stream stream) {
            deadline.clear(ConnectionDeadline.Kind.IDLE);
        }

        @Override
        public void onStreamClosed(Http2Stream stream) {
            Http2StreamSide side = side(stream);
            if (side != null) {
                side.closed();
            }
            if (connection().numActiveStreams() == 0 && ctx.channel().isActive()) {
                if (goingAway) {
                    ctx.close();
                } else {
                    idle();
                }
            }
        }
    }
}
