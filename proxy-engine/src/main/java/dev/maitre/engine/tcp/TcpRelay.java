package dev.maitre.engine.tcp;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.balance.Hash64;
import dev.maitre.engine.upstream.UpstreamSelection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of a tcp listener and the backend connection paired with it. Picks a
 * backend, connects to it on the client's event loop (a failed connect is retried on another
 * backend), then relays bytes both ways; ends of input are passed on as half-closes and resets as
 * resets, and the attempt's outcome is reported once.
 *
 * <p>Buffered (the default): each side is read one buffer at a time, and only while the other side
 * is writable; a side that becomes writable again has its peer read. What the pair holds is therefore
 * bounded by the write-buffer high-water mark plus one read per direction.
 *
 * <p>Spliced ({@code relay: splice} on epoll): each direction is a {@link SpliceFlow}, whose bytes
 * stay in a kernel pipe and never pass the pipelines. The idle timeout is then kept here, since the
 * pipeline's idle handler would see no bytes move.
 *
 * <p>Everything runs on the client's event loop: both channels live there.
 */
final class TcpRelay implements UpstreamSelection.Subject {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private final TcpListenerContext listener;
    private final Channel client;
    private final UpstreamSelection upstream;

    private Channel backend;
    /**
     * What the client sent before the backend was connected. Reads are off until then, but when a
     * client's end of input arrives the epoll transport reads what the kernel holds for it anyway.
     */
    private ArrayDeque<Object> early;
    private boolean clientInputDone;
    private boolean backendInputDone;
    private boolean backendFailed;
    private boolean finished;

    private final boolean splice;
    private SpliceFlow fromClient;
    private SpliceFlow fromBackend;
    private long lastMovedNanos;
    private ScheduledFuture<?> idleCheck;

    TcpRelay(TcpListenerContext listener, Channel client, boolean splice) {
        this.listener = listener;
        this.client = client;
        this.upstream = new UpstreamSelection(listener.upstream(), listener.cluster(), this);
        this.splice = splice;
    }

    void start() {
        if (splice) {
            lastMovedNanos = System.nanoTime();
            scheduleIdleCheck(listener.config().timeouts().idle().toNanos());
        }
        pickAndConnect();
    }

    /** A byte stream has no header, cookie or path: connections are keyed by their client's IP. */
    @Override
    public long hashKey() {
        return client.remoteAddress() instanceof InetSocketAddress address
                ? Hash64.of(address.getAddress().getHostAddress()) : 0;
    }

    private void pickAndConnect() {
        Endpoint next = upstream.pick();
        if (next == null) {
            if (!upstream.pickedAny()) {
                upstream.reportNoBackend(0);
            }
            finished = true;
            client.close();
            return;
        }
        ChannelFuture connect = listener.connect(client.eventLoop(), upstream.cluster(), next, new RelayHandler(this),
                splice);
        connect.addListener(f -> onConnected(connect));
    }

    private void onConnected(ChannelFuture connect) {
        if (!connect.isSuccess()) {
            LOG.debug("connect to {} failed: {}", upstream.endpoint(), connect.cause().toString());
            upstream.report(Outcome.Kind.CONNECT_FAILURE, 0);
            if (!client.isActive()) {
                finished = true;
                releaseEarly();
            } else if (upstream.takeRetry()) {
                pickAndConnect();
            } else {
                finished = true;
                releaseEarly();
                client.close();
            }
            return;
        }
        if (!client.isActive()) {
            // The client left while the backend was being connected: nothing to relay.
            upstream.report(Outcome.Kind.RESPONSE, 0);
            finished = true;
            releaseEarly();
            connect.channel().close();
            return;
        }
        backend = connect.channel();
        upstream.holdBackend();
        if (early != null) {
            for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                backend.write(msg, backend.voidPromise());
            }
            backend.flush();
        }
        if (splice) {
            fromClient = new SpliceFlow(this, (AbstractEpollStreamChannel) client, (AbstractEpollStreamChannel) backend);
            fromBackend = new SpliceFlow(this, (AbstractEpollStreamChannel) backend, (AbstractEpollStreamChannel) client);
            fromBackend.start();
            if (clientInputDone) {
                // The client's end came before the pairing: everything it sent was read into early.
                fromClient.endBeforeStart();
                flowEnded(client);
            } else {
                fromClient.start();
            }
            return;
        }
        if (clientInputDone) {
            inputShutdown(client);
        } else {
            client.read();
        }
        backend.read();
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }
    }

    private Channel peerOf(Channel side) {
        return side == client ? backend : client;
    }

    private boolean isPaired(Channel side) {
        return backend != null && (side == client || side == backend);
    }

    /** Passes what {@code source} read to its peer; flushed at the end of the read. */
    void forward(Channel source, Object msg) {
        if (splice) {
            moved();
        }
        if (source == client && backend == null && !finished) {
            if (early == null) {
                early = new ArrayDeque<>(2);
            }
            early.add(msg);
            return;
        }
        Channel peer = isPaired(source) ? peerOf(source) : null;
        if (peer == null || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
    }

    void readComplete(Channel source) {
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

    /** {@code side} can take more again: read its peer. */
    void writable(Channel side) {
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
    void inputShutdown(Channel source) {
        if (source == client && backend == null) {
            clientInputDone = true;
            return;
        }
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
            ((DuplexChannel) peer).shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess() || (clientInputDone && backendInputDone)) {
                    closeBoth();
                }
            });
        });
    }

    private SpliceFlow flowOf(Channel source) {
        return source == client ? fromClient : fromBackend;
    }

    /** Bytes moved on a spliced pair: the idle clock starts again. */
    void moved() {
        lastMovedNanos = System.nanoTime();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = client.eventLoop().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (!client.isOpen()) {
            return;
        }
        long left = listener.config().timeouts().idle().toNanos() - (System.nanoTime() - lastMovedNanos);
        if (left <= 0) {
            idle();
        } else {
            scheduleIdleCheck(left);
        }
    }

    /** Nothing moved either way for the listener's idle timeout. */
    void idle() {
        LOG.debug("closing idle connection from {}", client.remoteAddress());
        closeBoth();
    }

    /**
     * A reset or an error on {@code source}: its peer is reset too (closed with a zero linger, so it
     * gets an RST rather than a FIN that would make a cut stream look complete).
     */
    void failed(Channel source, Throwable cause) {
        LOG.debug("connection {} failed: {}", source, cause.toString());
        if (source == backend) {
            backendFailed = true;
        }
        Channel peer = isPaired(source) ? peerOf(source) : null;
        if (peer != null && peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
        }
        source.close();
    }

    /** {@code side} closed: its peer closes once what it still holds is flushed. */
    void closed(Channel side) {
        if (side == client && backend == null) {
            releaseEarly();
            return;
        }
        if (!isPaired(side)) {
            return;
        }
        Channel peer = peerOf(side);
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        finish();
    }

    private void closeBoth() {
        client.close();
        if (backend != null) {
            backend.close();
        }
    }

    private void finish() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (finished) {
            return;
        }
        finished = true;
        upstream.releaseBackend();
        upstream.report(backendFailed ? Outcome.Kind.RESET : Outcome.Kind.RESPONSE, 0);
    }
}
