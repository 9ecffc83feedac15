package dev.maitre.engine.pool;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a backend connection. While an exchange uses the connection it passes every
 * event on to it; while the connection sits idle in its pool it keeps a read pending, so that a
 * close by the backend is noticed at once, and closes the connection on any unexpected byte.
 *
 * <p>A connection goes back to its pool only at a clean message boundary: at the end of the read
 * that completed the answer, and only when nothing came after the answer's last byte (see
 * {@link BackendCodec}); its exchange asks {@link #atResponseBoundary()} then.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {

    /** What an exchange hears from the backend connection it uses. */
    public interface Listener {
        void onBackendRead(Object msg);

        void onBackendReadComplete();

        void onBackendInactive();

        void onBackendException(Throwable cause);

        void onBackendWritabilityChanged();
    }

    private Channel channel;
    private BackendCodec codec;
    private Listener listener;
    private BackendPool idleIn;
    private long idleSinceNanos;
    private int exchanges;

    public static BackendConnection of(Channel channel) {
        return channel.pipeline().get(BackendConnection.class);
    }

    /** Hands the connection to an exchange, which is about to send a request on it. */
    public void attach(Listener newListener) {
        listener = newListener;
    }

    /**
     * Whether the answer to the request in flight has ended and nothing came after its last byte:
     * the only state in which the connection may serve another request. Ask at the end of the read
     * that completed the answer ({@link Listener#onBackendReadComplete()}).
     */
    public boolean atResponseBoundary() {
        return codec.atResponseBoundary();
    }

    /** Takes the connection back from its exchange; counts the exchange it served. */
    public void detach() {
        listener = null;
        exchanges++;
    }

    /** True when this connection already served an exchange (so the backend may have closed it meanwhile). */
    public boolean isReused() {
        return exchanges > 0;
    }

    /**
     * For a stream on an HTTP/2 connection that carried streams before: the stream is new, but the
     * backend may have closed its connection meanwhile, as it may close a pooled HTTP/1.1 one.
     */
    void onReusedConnection() {
        exchanges = Math.max(exchanges, 1);
    }

    void enterIdle(BackendPool pool, long nowNanos) {
        listener = null;
        idleIn = pool;
        idleSinceNanos = nowNanos;
        channel.read();
    }

    /** When the connection last entered its pool's idle list. */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void leaveIdle() {
        idleIn = null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(BackendCodec.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null) {
            listener.onBackendRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onBackendReadComplete();
            return;
        }
        if (!codec.atResponseBoundary()) {
            // Bytes that belong to no answer, such as a partial line sent while the connection is idle.
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idleIn != null) {
            idleIn.remove(ctx.channel());
            idleIn = null;
        }
        if (listener != null) {
            listener.onBackendInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (listener != null) {
            listener.onBackendException(cause);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onBackendWritabilityChanged();
        }
    }
}
