package dev.maitre.engine.tcp;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.balance.Hash64;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.UpstreamSelection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of a tcp listener and the backend connection paired with it. Picks a
 * backend, connects to it on the client's event loop (a failed connect is retried on another
 * backend), then hands both to a {@link PairRelay}, which relays bytes both ways, buffered or spliced;
 * the attempt's outcome is reported once, when the pair is over.
 *
 * <p>Until the pair is made, this stands for it on the client's channel: what the client sends
 * meanwhile is kept (reads are off, but when a client's end of input arrives the epoll transport
 * reads what the kernel holds for it anyway) and goes out first.
 *
 * <p>The idle timeout: of a buffered pair, the pipeline's idle handler; of a spliced one, whose
 * pipelines see no bytes move, the relay's own.
 */
final class TcpRelay implements UpstreamSelection.Subject, RelayHandler.Events, PairRelay.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(TcpRelay.class);

    private final TcpListenerContext listener;
    private final Channel client;
    private final UpstreamSelection upstream;
    private final boolean splice;

    /** Made once the backend is connected. */
    private PairRelay pair;
    /** What the client sent before the backend was connected. */
    private ArrayDeque<Object> early;
    private boolean clientInputDone;
    private boolean finished;

    TcpRelay(TcpListenerContext listener, ClusterRuntime cluster, Channel client, boolean splice) {
        this.listener = listener;
        this.client = client;
        this.upstream = new UpstreamSelection(listener.upstream(), cluster, this);
        this.splice = splice;
    }

    void start() {
        pickAndConnect();
    }

    /** A byte stream has no header, cookie or path: connections are keyed by their client's IP. */
    @Override
    public long hashKey() {
        InetSocketAddress address = ClientAddresses.sourceOf(client);
        return address != null ? Hash64.of(address.getAddress().getHostAddress()) : 0;
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
                splice, client);
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
        Channel backend = connect.channel();
        upstream.holdBackend();
        if (early != null) {
            for (Object msg = early.poll(); msg != null; msg = early.poll()) {
                backend.write(msg, backend.voidPromise());
            }
            backend.flush();
        }
        pair = new PairRelay(client, backend, splice, this,
                splice ? () -> listener.config().timeouts().idle().toNanos() : null);
        pair.start(clientInputDone);
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early.clear();
        }
    }

    @Override
    public void forward(Channel source, Object msg) {
        if (pair != null) {
            pair.forward(source, msg);
        } else if (!finished && source == client) {
            if (early == null) {
                early = new ArrayDeque<>(2);
            }
            early.add(msg);
        } else {
            // Finished, or bytes of a backend connection that is not (or no longer) paired: the pair is
            // made as its TLS handshake completes, before the handler passes on what followed it, so
            // these come from a connection given up on.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void readComplete(Channel source) {
        if (pair != null) {
            pair.readComplete(source);
        }
    }

    @Override
    public void writable(Channel side) {
        if (pair != null) {
            pair.writable(side);
        }
    }

    @Override
    public void inputShutdown(Channel source) {
        if (pair != null) {
            pair.inputShutdown(source);
        } else if (source == client) {
            clientInputDone = true;
        }
    }

    @Override
    public void idle() {
        if (pair != null) {
            pair.idle();
        } else {
            LOG.debug("closing idle connection from {}", ClientAddresses.sourceOf(client));
            client.close();
        }
    }

    @Override
    public void failed(Channel source, Throwable cause) {
        if (pair != null) {
            pair.failed(source, cause);
        } else {
            LOG.debug("connection {} failed: {}", source, cause.toString());
            source.close();
        }
    }

    @Override
    public void closed(Channel side) {
        if (pair != null) {
            pair.closed(side);
        } else if (side == client) {
            releaseEarly();
        }
    }

    @Override
    public void relayEnded(PairRelay.End end) {
        if (finished) {
            return;
        }
        finished = true;
        upstream.releaseBackend();
        upstream.report(end == PairRelay.End.BACKEND_RESET ? Outcome.Kind.RESET : Outcome.Kind.RESPONSE, 0);
    }
}
