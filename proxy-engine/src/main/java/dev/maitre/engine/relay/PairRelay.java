package dev.maitre.engine.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two connected channels, a client's and a backend's, relaying bytes both ways until both
 * directions have ended: a tcp listener's connection and its backend connection, or an HTTP
 * connection and its backend connection once an upgrade (a WebSocket) turned them into a tunnel.
 * Ends of input are passed on as half-closes, resets as resets; the {@link Owner} hears once when
 * the pair is over, and how it ended; a {@link Traffic} hears of the bytes as they pass.
 *
 * <p>Buffered: each side is read one buffer at a time, and only while the other side is writable; a
 * side that becomes writable again has its peer read. What the pair holds is therefore bounded by
 * the write-buffer high-water mark plus one read per direction.
 *
 * <p>Spliced (tcp listeners with {@code relay: splice}, on epoll): each direction is a
 * {@link SpliceFlow}, whose bytes stay in a kernel pipe and never pass the pipelines.
 *
 * <p>The idle timeout is kept here when the owner asks for it (a spliced pair, whose pipelines see no
 * bytes move; a tunnel); otherwise a pipeline's idle handler reports it through {@link RelayHandler}.
 *
 * <p>Everything runs on the client's event loop: both channels live there.
 */
public final class PairRelay implements RelayHandler.Events {

    private static final Logger LOG = LoggerFactory.getLogger(PairRelay.class);

    /** Who made the pair and hears of its end. */
    public interface Owner {
        /** Both connections are closing or closed; called once, with how the pair ended. */
        void relayEnded(End end);
    }

    /** How a pair ended, as far as the pair can tell. */
    public enum End {
        /** Both directions ended: each side's end of input was passed on to the other. */
        CLOSED,
        /** Nothing moved either way for the idle timeout the pair keeps, or its pipelines do. */
        IDLE,
        /** The client's connection was reset, or failed otherwise. */
        CLIENT_RESET,
        /** The backend's connection was reset, or failed otherwise (whatever the client's did). */
        BACKEND_RESET,
        /**
         * Closed by the proxy from outside the pair, neither side having failed nor ended: a
         * shutdown's grace period ran out, or a reload removed the listener.
         */
        SHUTDOWN;

        /** The name in metrics and logs: {@code backend_reset}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Hears of the bytes a buffered pair passes on, as they pass, on the pair's event loop. */
    public interface Traffic {
        /** Hears nothing. */
        Traffic NONE = new Traffic() {
            @Override
            public void fromClient(int bytes) {
            }

            @Override
            public void fromBackend(int bytes) {
            }
        };

        /** {@code bytes} read from the client were handed to the backend's connection. */
        void fromClient(int bytes);

        /** {@code bytes} read from the backend were handed to the client's connection. */
        void fromBackend(int bytes);
    }

    private final Channel client;
    private final Channel backend;
    private final boolean splice;
    private final Owner owner;
    /** The idle timeout kept here, or null when a pipeline handler keeps it. */
    private final LongSupplier idleNanos;
    private final Traffic traffic;

    private boolean clientInputDone;
    private boolean backendInputDone;
    private boolean backendFailed;
    private boolean clientFailed;
    private boolean idled;
    private boolean finished;

    private SpliceFlow fromClient;
    private SpliceFlow fromBackend;
    private long lastMovedNanos;
    private ScheduledFuture<?> idleCheck;

    /**
     * @param idleNanos the idle timeout to keep here (asked again at each check, so a reload shows), or
     *     null when the pipelines keep it
     */
    public PairRelay(Channel client, Channel backend, boolean splice, Owner owner, LongSupplier idleNanos) {
        this(client, backend, splice, owner, idleNanos, Traffic.NONE);
    }

    /** @param traffic hears of the bytes passed on (buffered pairs; a spliced pair's never reach it) */
    public PairRelay(Channel client, Channel backend, boolean splice, Owner owner, LongSupplier idleNanos,
                     Traffic traffic) {
        this.client = client;
        this.backend = backend;
        this.splice = splice;
        this.owner = owner;
        this.idleNanos = idleNanos;
        this.traffic = traffic;
    }

    /**
     * Starts relaying; {@code clientEnded} when the client's input ended before the pair was made
     * (everything it sent was passed on already).
     */
    public void start(boolean clientEnded) {
        if (idleNanos != null) {
            lastMovedNanos = System.nanoTime();
            scheduleIdleCheck(idleNanos.getAsLong());
        }
        if (splice) {
            if (client.pipeline().get(SslHandler.class) != null || backend.pipeline().get(SslHandler.class) != null) {
                // spliced bytes never pass the pipeline: they would go out unencrypted or undecrypted
                throw new IllegalStateException("splice asked for a pair with TLS on " + client + " / " + backend);
            }
            fromClient = new SpliceFlow(this, (AbstractEpollStreamChannel) client, (AbstractEpollStreamChannel) backend);
            fromBackend = new SpliceFlow(this, (AbstractEpollStreamChannel) backend, (AbstractEpollStreamChannel) client);
            fromBackend.start();
            if (clientEnded) {
                fromClient.endBeforeStart();
                flowEnded(client);
            } else {
                fromClient.start();
            }
            return;
        }
        if (clientEnded) {
            flowEnded(client);
        } else {
            client.read();
        }
        backend.read();
    }

    private Channel peerOf(Channel side) {
        return side == client ? backend : client;
    }

    private boolean isPaired(Channel side) {
        return side == client || side == backend;
    }

    /** Passes what {@code source} read to its peer; flushed at the end of the read. */
    @Override
    public void forward(Channel source, Object msg) {
        moved();
        Channel peer = isPaired(source) ? peerOf(source) : null;
        if (peer == null || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            int size = bytes.readableBytes();
            if (source == client) {
                traffic.fromClient(size);
            } else {
                traffic.fromBackend(size);
            }
        }
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void readComplete(Channel source) {
        if (!isPaired(source)) {
            return;
        }
        if (splice) {
            flowOf(source).readComplete();
            return;
        }
        Channel peer = peerOf(source);
        peer.flush();
        if (peer.isWritable()) {
            readFrom(source);
        }
    }

    @Override
    public void writable(Channel side) {
        if (isPaired(side) && !splice) {
            readFrom(peerOf(side));
        }
    }

    /** Asks {@code source} for more, unless its input has ended: nothing more can come from it. */
    private void readFrom(Channel source) {
        boolean inputDone = source == client ? clientInputDone : backendInputDone;
        if (!inputDone) {
            source.read();
        }
    }

    /**
     * {@code source} will send nothing more: once what it sent is flushed, its peer's output is shut
     * down too. When both directions have ended, both connections close.
     */
    @Override
    public void inputShutdown(Channel source) {
        if (!isPaired(source)) {
            return;
        }
        if (splice) {
            flowOf(source).inputEnded();
            return;
        }
        flowEnded(source);
    }

    /** Everything {@code source} sent has been handed to its peer, and it will send nothing more. */
    void flowEnded(Channel source) {
        if (source == client) {
            clientInputDone = true;
        } else {
            backendInputDone = true;
        }
        Channel peer = peerOf(source);
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                return;
            }
            SslHandler tls = peer == backend ? peer.pipeline().get(SslHandler.class) : null;
            if (tls != null && "TLSv1.3".equals(tls.engine().getSession().getProtocol())) {
                // TLS 1.3 ends one direction with a close_notify (RFC 8446 §6.1), the other may go on;
                // a bare FIN reads as a cut stream. (TLS 1.2 has no half-close: its close_notify ends
                // both directions, so there only the FIN goes.)
                tls.closeOutbound().addListener(notified -> shutdownOutput(peer));
            } else {
                shutdownOutput(peer);
            }
        });
    }

    private void shutdownOutput(Channel side) {
        ((DuplexChannel) side).shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess() || (clientInputDone && backendInputDone)) {
                closeBoth();
            }
        });
    }

    private SpliceFlow flowOf(Channel source) {
        return source == client ? fromClient : fromBackend;
    }

    /** Bytes moved: the idle clock starts again. */
    void moved() {
        if (idleNanos != null) {
            lastMovedNanos = System.nanoTime();
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (!client.isOpen()) {
            return;
        }
        long left = idleNanos.getAsLong() - (System.nanoTime() - lastMovedNanos);
        if (left <= 0) {
            idle();
        } else {
            scheduleIdleCheck(left);
        }
    }

    @Override
    public void idle() {
        LOG.debug("closing idle connection from {}", client.remoteAddress());
        idled = true;
        closeBoth();
    }

    /**
     * A reset or an error on {@code source}: its peer is reset too (closed with a zero linger, so it
     * gets an RST rather than a FIN that would make a cut stream look complete).
     */
    @Override
    public void failed(Channel source, Throwable cause) {
        LOG.debug("connection {} failed: {}", source, cause.toString());
        if (source == backend) {
            backendFailed = true;
        } else if (source == client) {
            clientFailed = true;
        }
        Channel peer = isPaired(source) ? peerOf(source) : null;
        if (peer != null && peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
        }
        source.close();
    }

    /** {@code side} closed: its peer closes once what it still holds is flushed. */
    @Override
    public void closed(Channel side) {
        if (!isPaired(side)) {
            return;
        }
        Channel peer = peerOf(side);
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        finish();
    }

    /** Closes both connections now, whatever they still hold (the idle timeout, a forced shutdown). */
    public void closeBoth() {
        client.close();
        backend.close();
    }

    private void finish() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (finished) {
            return;
        }
        finished = true;
        owner.relayEnded(end());
    }

    private End end() {
        if (backendFailed) {
            return End.BACKEND_RESET;
        }
        if (clientFailed) {
            return End.CLIENT_RESET;
        }
        if (idled) {
            return End.IDLE;
        }
        return clientInputDone && backendInputDone ? End.CLOSED : End.SHUTDOWN;
    }
}
