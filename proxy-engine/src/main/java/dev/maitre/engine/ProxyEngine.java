package dev.maitre.engine;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.balance.Balancers;
import dev.maitre.engine.http.HttpListenerInitializer;
import dev.maitre.engine.http.Tunnels;
import dev.maitre.engine.pool.BackendConnector;
import dev.maitre.engine.pool.BackendPools;
import dev.maitre.engine.pool.BackendTls;
import dev.maitre.engine.pool.Http2Liveness;
import dev.maitre.engine.tcp.TcpListenerInitializer;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.engine.tls.TicketKeys;
import dev.maitre.engine.transport.Transport;
import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running data plane: event loops, listeners and backend pools for one configuration.
 *
 * <p>{@code workers} loops serve; on epoll each of them also accepts on a listening socket of its
 * own, elsewhere one accept loop hands them the connections (see {@link Acceptors}). A client
 * connection and every backend connection that serves it live on the same worker loop. {@code http} listeners proxy HTTP/1.1
 * requests; {@code tcp} listeners relay bytes to one cluster.
 */
public final class ProxyEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyEngine.class);

    private final Transport transport;
    private final EventLoopGroup workers;
    private final Acceptors acceptors;
    private final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup backendChannels = new DefaultChannelGroup("backends", GlobalEventExecutor.INSTANCE);
    private final Upstream upstream;
    /** How long a key seals new TLS session tickets before the next one takes over (see {@link TicketKeys}). */
    private static final Duration TICKET_KEY_ROTATION = Duration.ofHours(1);

    private final Tunnels tunnels = new Tunnels();
    private final Listeners listeners;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean shuttingDown;

    private ProxyEngine(Transport transport, int workerThreads, HealthView health, OutcomeListener outcomes,
                        Http2Liveness liveness, AccessLog accessLog) {
        this.transport = transport;
        this.workers = transport.newGroup(workerThreads, "maitre-worker");
        this.acceptors = new Acceptors(transport, workers);
        BackendConnector connector = new BackendConnector(transport, backendChannels);
        this.upstream = new Upstream(health, outcomes, new ActiveRequests(), connector,
                new BackendPools(connector, health, liveness));
        this.listeners = new Listeners(transport, acceptors, upstream, clientChannels, tunnels, accessLog);
        workers.next().scheduleAtFixedRate(listeners.ticketKeys()::rotate, TICKET_KEY_ROTATION.toMinutes(),
                TICKET_KEY_ROTATION.toMinutes(), TimeUnit.MINUTES);
    }

    /**
     * Binds every listener of {@code config} and starts serving.
     *
     * @throws EngineStartException when a listener cannot be bound (the message names it and the address)
     */
    public static ProxyEngine start(ProxyConfig config, HealthView health, OutcomeListener outcomes)
            throws EngineStartException {
        return start(config, health, outcomes, Http2Liveness.DEFAULT);
    }

    /**
     * As {@link #start(ProxyConfig, HealthView, OutcomeListener)}, finding HTTP/2 backend connections
     * dead by {@code liveness} instead of {@link Http2Liveness#DEFAULT} (tests shorten it).
     */
    public static ProxyEngine start(ProxyConfig config, HealthView health, OutcomeListener outcomes,
                                    Http2Liveness liveness) throws EngineStartException {
        Map<String, BackendTls> tls;
        try {
            tls = BackendTls.forClusters(config, Map.of());
        } catch (IllegalArgumentException e) {
            throw new EngineStartException(e.getMessage(), e);
        }
        return start(config, tls, health, outcomes, liveness, AccessLog.toLogger());
    }

    /**
     * Binds every listener of {@code config} and starts serving, speaking TLS to clusters with the
     * contexts of {@code tls} (see {@link BackendTls#forClusters}), which the health checks may share.
     *
     * @throws EngineStartException when a listener cannot be bound (the message names it and the address)
     */
    public static ProxyEngine start(ProxyConfig config, Map<String, BackendTls> tls, HealthView health,
                                    OutcomeListener outcomes) throws EngineStartException {
        return start(config, tls, health, outcomes, Http2Liveness.DEFAULT, AccessLog.toLogger());
    }

    /**
     * As {@link #start(ProxyConfig, Map, HealthView, OutcomeListener)}, handing each request's record to
     * {@code accessLog} while the configuration's access log is on (the others write maitre's lines to
     * the {@code maitre.access} logger).
     */
    public static ProxyEngine start(ProxyConfig config, Map<String, BackendTls> tls, HealthView health,
                                    OutcomeListener outcomes, AccessLog accessLog) throws EngineStartException {
        return start(config, tls, health, outcomes, Http2Liveness.DEFAULT, accessLog);
    }

    private static ProxyEngine start(ProxyConfig config, Map<String, BackendTls> tls, HealthView health,
                                     OutcomeListener outcomes, Http2Liveness liveness, AccessLog accessLog)
            throws EngineStartException {
        Transport transport = Transport.best();
        ProxyEngine engine = new ProxyEngine(transport, config.workers(), health, outcomes, liveness, accessLog);
        LOG.info("transport {} ({}), {} worker event loops, {}", transport.displayName(),
                transport == Transport.EPOLL ? "native" : "Java NIO", config.workers(), engine.acceptors.description());
        try {
            engine.listeners.bindAll(config, clusterRuntimes(config, tls, Map.of()));
        } catch (RuntimeException e) {
            engine.shutdown(Duration.ZERO).join();
            throw new EngineStartException(e.getMessage(), e);
        }
        return engine;
    }

    /**
     * Applies {@code config} to the running engine: new requests route by its routes and clusters,
     * listeners new in it are bound, listeners gone from it stop accepting (their connections end after
     * their current exchange), and the others give new connections their new timeouts, limits and TLS.
     * Requests and relayed connections in flight finish with what they started with. Clusters whose
     * configuration did not change keep their balancer and its state. Nothing changes when anything
     * fails.
     *
     * @throws IllegalArgumentException when a balancer, a certificate, a cluster's CA bundle or client
     *     certificate or a listener's address cannot be had; the message names the cluster (or its key)
     *     or the listener
     * @return what the engine found changed that the configuration's text does not show: listeners whose
     *     certificate, key or CA files have new contents, one line each
     */
    public synchronized List<String> reload(ProxyConfig config) {
        Map<String, BackendTls> current = new HashMap<>();
        listeners.clustersInUse().values().stream().filter(cluster -> cluster.tls() != null)
                .forEach(cluster -> current.put(cluster.name(), cluster.tls()));
        return reload(config, BackendTls.forClusters(config, current));
    }

    /**
     * Applies {@code config} as {@link #reload(ProxyConfig)} does, speaking TLS to clusters with the
     * contexts of {@code tls} (see {@link BackendTls#forClusters}).
     */
    public synchronized List<String> reload(ProxyConfig config, Map<String, BackendTls> tls) {
        if (shuttingDown) {
            throw new IllegalArgumentException("maitre is stopping");
        }
        return listeners.reload(config, clusterRuntimes(config, tls, listeners.clustersInUse()));
    }

    /**
     * A runtime per cluster of {@code config}, reusing those of {@code current} whose configuration and
     * client TLS are unchanged (a cluster whose TLS files alone changed keeps its balancer, and so does one
     * whose backends alone changed).
     */
    static Map<String, ClusterRuntime> clusterRuntimes(ProxyConfig config, Map<String, BackendTls> tls,
                                                       Map<String, ClusterRuntime> current) {
        Map<String, ClusterRuntime> clusters = new HashMap<>();
        for (ClusterConfig cluster : config.clusters()) {
            ClusterRuntime before = current.get(cluster.name());
            BackendTls clusterTls = cluster.tlsEnabled() ? tls.get(cluster.name()) : null;
            if (cluster.tlsEnabled() && clusterTls == null) {
                throw new IllegalArgumentException("cluster " + cluster.name() + ": no TLS client context for it");
            }
            if (before != null && before.config().equals(cluster)) {
                clusters.put(cluster.name(), before.tls() == clusterTls ? before
                        : new ClusterRuntime(cluster, before.balancer(), clusterTls));
                continue;
            }
            if (before != null && before.config().withBackends(cluster.backends()).equals(cluster)) {
                // only the backends changed (as DNS discovery changes them): the balancer keeps its state,
                // and with slow start the backends that join ramp up while the others keep their weight
                clusters.put(cluster.name(), new ClusterRuntime(cluster, before.balancer(), clusterTls));
                continue;
            }
            try {
                clusters.put(cluster.name(), new ClusterRuntime(cluster, Balancers.create(cluster), clusterTls));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster " + cluster.name() + ": " + e.getMessage(), e);
            }
        }
        return clusters;
    }

    /** The address listener {@code name} is bound to (useful when configured with port 0). */
    public synchronized InetSocketAddress address(String listenerName) {
        return listeners.address(listenerName);
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return transport.displayName();
    }

    /** Requests {@code backend} is serving right now; a relayed tcp connection counts as one. */
    public int activeRequests(BackendId backend) {
        return upstream.activeRequests().of(backend);
    }

    /**
     * Exchanges of HTTP listener {@code listenerName} ended because their client made no progress for
     * {@code timeouts.client}; 0 for a tcp listener.
     */
    public long clientTimeouts(String listenerName) {
        return listeners.clientTimeouts(listenerName);
    }

    /**
     * Client connections of listener {@code listenerName} open now.
     *
     * @throws IllegalArgumentException when no listener has that name
     */
    public int connections(String listenerName) {
        return listeners.connections(listenerName);
    }

    /**
     * The TLS handshakes of listener {@code listenerName}'s clients, completed and failed, counted
     * since the listener was bound (a reload that replaces its TLS keeps them); all zero for clear text.
     *
     * @throws IllegalArgumentException when no listener has that name
     */
    public HandshakeCounts tlsHandshakes(String listenerName) {
        return listeners.handshakes(listenerName);
    }

    /**
     * The PROXY protocol headers of listener {@code listenerName}'s connections: read, and refused by
     * reason, since the listener was bound; all zero without {@code proxyProtocol}.
     *
     * @throws IllegalArgumentException when no listener has that name
     */
    public ProxyHeaderCounts proxyHeaders(String listenerName) {
        return listeners.proxyHeaders(listenerName);
    }

    /**
     * The certificates listener {@code listenerName} serves new connections, as last loaded (a reload
     * that finds a file changed loads it anew); empty for clear text.
     *
     * @throws IllegalArgumentException when no listener has that name
     */
    public List<ServedCertificate> tlsCertificates(String listenerName) {
        return listeners.certificates(listenerName);
    }

    /** The counts of the HTTP listeners' tunnels (upgraded connections), per listener and per backend. */
    public Tunnels tunnels() {
        return tunnels;
    }

    /** Client connections open now. */
    public int openConnections() {
        return clientChannels.size();
    }

    /**
     * Bytes the proxy holds in its outbound buffers right now, over all client and backend
     * connections: what it has read from one side and not yet handed to the other's kernel. For an
     * HTTP/2 client connection this includes what waits outside its outbound buffer: request body
     * held in its streams until their exchanges pass it on, and answer bytes its flow controller
     * holds until the client's window opens.
     */
    public long bufferedBytes() {
        long total = 0;
        for (Channel channel : clientChannels) {
            total += pending(channel) + HttpListenerInitializer.http2HeldBytes(channel);
        }
        for (Channel channel : backendChannels) {
            total += pending(channel);
        }
        return total;
    }

    private static long pending(Channel channel) {
        var buffer = channel.unsafe().outboundBuffer();
        return (buffer == null ? 0 : buffer.totalPendingWriteBytes()) + TcpListenerInitializer.splicedBytesInFlight(channel);
    }

    /**
     * Stops accepting, lets in-flight requests and open tcp relays finish for up to
     * {@code gracePeriod}, then closes everything. Completes when all event loops have stopped.
     */
    public synchronized CompletableFuture<Void> shutdown(Duration gracePeriod) {
        if (shuttingDown) {
            return terminated;
        }
        shuttingDown = true;
        Thread stopper = new Thread(() -> {
            try {
                stop(gracePeriod);
                terminated.complete(null);
            } catch (Throwable t) {
                terminated.completeExceptionally(t);
            }
        }, "maitre-shutdown");
        stopper.setDaemon(false);
        stopper.start();
        return terminated;
    }

    private void stop(Duration gracePeriod) throws InterruptedException {
        synchronized (this) {
            listeners.closeAll();
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (!clientChannels.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!clientChannels.isEmpty()) {
            LOG.warn("grace period {} over: closing {} connections still open", gracePeriod, clientChannels.size());
        }
        clientChannels.close().awaitUninterruptibly();
        for (EventExecutor loop : workers) {
            loop.execute(upstream.pools()::closeIdleOnThisLoop);
        }
        backendChannels.close().awaitUninterruptibly();
        var acceptLoopStopped = acceptors.shutdown();
        workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        acceptLoopStopped.awaitUninterruptibly();
        workers.terminationFuture().awaitUninterruptibly();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO).join();
    }
}
