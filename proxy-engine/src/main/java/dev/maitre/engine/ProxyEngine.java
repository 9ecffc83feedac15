package dev.maitre.engine;

import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.balance.Balancers;
import dev.maitre.api.BackendId;
import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.http.HttpListenerContext;
import dev.maitre.engine.http.HttpListenerInitializer;
import dev.maitre.engine.http.RoutingTable;
import dev.maitre.engine.pool.BackendPools;
import dev.maitre.engine.tcp.TcpListenerContext;
import dev.maitre.engine.tcp.TcpListenerInitializer;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running data plane: event loops, listeners and backend pools for one configuration.
 *
 * <p>One boss loop accepts; {@code workers} loops serve. A client connection and every backend
 * connection that serves it live on the same worker loop. {@code http} listeners proxy HTTP/1.1
 * requests; {@code tcp} listeners relay bytes to one cluster.
 */
public final class ProxyEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyEngine.class);

    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /**
     * Netty's default, one instance for all accepted connections instead of one each: it holds only
     * its settings (each channel keeps its own sizing state in a handle), and idle connections are many.
     */
    private static final RecvByteBufAllocator RECEIVE_SIZES = new AdaptiveRecvByteBufAllocator();

    private final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup backendChannels = new DefaultChannelGroup("backends", GlobalEventExecutor.INSTANCE);
    private final BackendPools pools;
    private final ActiveRequests activeRequests = new ActiveRequests();
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private final List<HttpListenerContext> httpListeners = new ArrayList<>();
    private final List<TcpListenerContext> tcpListeners = new ArrayList<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean shuttingDown;

    private ProxyEngine(Transport transport, int workerThreads, HealthView health) {
        this.transport = transport;
        this.boss = transport.newGroup(1, "maitre-accept");
        this.workers = transport.newGroup(workerThreads, "maitre-worker");
        this.pools = new BackendPools(transport, backendChannels, health);
    }

    /**
     * Binds every listener of {@code config} and starts serving.
     *
     * @throws EngineStartException when a listener cannot be bound (the message names it and the address)
     */
    public static ProxyEngine start(ProxyConfig config, HealthView health, OutcomeListener outcomes)
            throws EngineStartException {
        Transport transport = Transport.best();
        LOG.info("transport {} ({}), {} worker event loops", transport.displayName(),
                transport == Transport.EPOLL ? "native" : "Java NIO", config.workers());
        ProxyEngine engine = new ProxyEngine(transport, config.workers(), health);
        try {
            engine.bindAll(config, health, outcomes);
        } catch (EngineStartException | RuntimeException e) {
            engine.shutdown(Duration.ZERO).join();
            throw e;
        }
        return engine;
    }

    private void bindAll(ProxyConfig config, HealthView health, OutcomeListener outcomes) throws EngineStartException {
        Map<String, ClusterRuntime> clusters;
        try {
            clusters = clusterRuntimes(config, Map.of());
        } catch (IllegalArgumentException e) {
            throw new EngineStartException(e.getMessage(), e);
        }
        for (ListenerConfig listener : config.listeners()) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channelFactory(transport.serverChannelFactory())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                    .childHandler(initializer(listener, clusters, health, outcomes, config));
            InetSocketAddress address = new InetSocketAddress(listener.bind().host(), listener.bind().port());
            try {
                Channel channel = bootstrap.bind(address).syncUninterruptibly().channel();
                serverChannels.put(listener.name(), channel);
                LOG.debug("listener {} ({}) bound to {}", listener.name(), listener.protocol().name().toLowerCase(),
                        channel.localAddress());
            } catch (Exception e) {
                throw new EngineStartException("listener " + listener.name() + ": cannot bind " + listener.bind()
                        + ": " + rootMessage(e), e);
            }
        }
    }

    private ChannelInitializer<Channel> initializer(ListenerConfig listener, Map<String, ClusterRuntime> clusters,
                                                    HealthView health, OutcomeListener outcomes, ProxyConfig config)
            throws EngineStartException {
        if (listener.protocol() == Protocol.TCP) {
            ClusterRuntime cluster = clusters.get(listener.cluster());
            if (cluster == null) {
                throw new EngineStartException("listener " + listener.name() + ": cluster " + listener.cluster()
                        + " is not configured", null);
            }
            if (listener.relay() == RelayMode.SPLICE
                    && TcpListenerContext.relayMode(listener, transport) != RelayMode.SPLICE) {
                LOG.warn("listener {}: relay splice needs the native epoll transport and no tls (transport here: {}); "
                        + "relaying buffered", listener.name(), transport.displayName());
            }
            TcpListenerContext context = new TcpListenerContext(listener, cluster, health, outcomes, activeRequests,
                    transport, clientChannels, backendChannels);
            tcpListeners.add(context);
            return new TcpListenerInitializer(context, sslContext(listener));
        }
        HttpListenerContext context = new HttpListenerContext(listener,
                RoutingTable.of(listener, clusters, config.accessLog().enabled()), health, outcomes, pools,
                activeRequests, clientChannels);
        httpListeners.add(context);
        return new HttpListenerInitializer(context, sslContext(listener));
    }

    /**
     * Routes new requests by {@code config}: each HTTP listener gets the new routes, clusters and access
     * log setting in one step, each tcp listener its reloaded cluster (balancer, timeouts, retries);
     * requests and relayed connections in flight finish with what they started with. Clusters whose
     * configuration did not change keep their balancer and its state. The listeners themselves
     * (addresses, protocols, TLS, limits) stay as they were bound: the caller checks that {@code config}
     * leaves them alone.
     *
     * @throws IllegalArgumentException when a balancer cannot be made or a listener is unknown
     */
    public synchronized void reload(ProxyConfig config) {
        Map<String, ClusterRuntime> current = new HashMap<>();
        httpListeners.forEach(listener -> current.putAll(listener.table().clusters()));
        tcpListeners.forEach(listener -> current.put(listener.config().cluster(), listener.cluster()));
        Map<String, ClusterRuntime> clusters = clusterRuntimes(config, current);
        Map<HttpListenerContext, RoutingTable> tables = new LinkedHashMap<>();
        for (HttpListenerContext listener : httpListeners) {
            ListenerConfig next = config.listeners().stream()
                    .filter(candidate -> candidate.name().equals(listener.config().name())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("listener " + listener.config().name()
                            + " is not in the new configuration (expected: the same listeners)"));
            tables.put(listener, RoutingTable.of(next, clusters, config.accessLog().enabled()));
        }
        Map<TcpListenerContext, ClusterRuntime> relays = new LinkedHashMap<>();
        for (TcpListenerContext listener : tcpListeners) {
            ClusterRuntime cluster = clusters.get(listener.config().cluster());
            if (cluster == null) {
                throw new IllegalArgumentException("listener " + listener.config().name() + ": cluster "
                        + listener.config().cluster() + " is not in the new configuration");
            }
            relays.put(listener, cluster);
        }
        tables.forEach(HttpListenerContext::use);
        relays.forEach(TcpListenerContext::use);
    }

    /** A runtime per cluster of {@code config}, reusing those of {@code current} whose configuration is unchanged. */
    private static Map<String, ClusterRuntime> clusterRuntimes(ProxyConfig config, Map<String, ClusterRuntime> current) {
        Map<String, ClusterRuntime> clusters = new HashMap<>();
        for (ClusterConfig cluster : config.clusters()) {
            ClusterRuntime before = current.get(cluster.name());
            if (before != null && before.config().equals(cluster)) {
                clusters.put(cluster.name(), before);
                continue;
            }
            try {
                clusters.put(cluster.name(), new ClusterRuntime(cluster, Balancers.create(cluster)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster " + cluster.name() + ": " + e.getMessage(), e);
            }
        }
        return clusters;
    }

    private static SslContext sslContext(ListenerConfig listener) throws EngineStartException {
        if (listener.tls() == null) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(listener.tls().certFile().toFile(), listener.tls().keyFile().toFile())
                    .build();
        } catch (Exception e) {
            throw new EngineStartException("listener " + listener.name() + ": cannot load TLS certificate "
                    + listener.tls().certFile() + " and key " + listener.tls().keyFile() + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** The address listener {@code name} is bound to (useful when configured with port 0). */
    public InetSocketAddress address(String listenerName) {
        Channel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("listener: " + listenerName + " (expected one of " + serverChannels.keySet() + ")");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return transport.displayName();
    }

    /** Requests {@code backend} is serving right now; a relayed tcp connection counts as one. */
    public int activeRequests(BackendId backend) {
        return activeRequests.of(backend);
    }

    /**
     * Exchanges of HTTP listener {@code listenerName} ended because their client made no progress for
     * {@code timeouts.client}; 0 for a tcp listener.
     */
    public long clientTimeouts(String listenerName) {
        for (HttpListenerContext listener : httpListeners) {
            if (listener.config().name().equals(listenerName)) {
                return listener.clientTimeouts();
            }
        }
        if (!serverChannels.containsKey(listenerName)) {
            throw new IllegalArgumentException("listener: " + listenerName + " (expected one of "
                    + serverChannels.keySet() + ")");
        }
        return 0;
    }

    /** Client connections open now. */
    public int openConnections() {
        return clientChannels.size();
    }

    /**
     * Bytes the proxy holds in its outbound buffers right now, over all client and backend
     * connections: what it has read from one side and not yet handed to the other's kernel.
     */
    public long bufferedBytes() {
        long total = 0;
        for (Channel channel : clientChannels) {
            total += pending(channel);
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
        for (Channel channel : serverChannels.values()) {
            channel.close().awaitUninterruptibly();
        }
        httpListeners.forEach(HttpListenerContext::startDraining);
        for (Channel channel : clientChannels) {
            // A relayed tcp connection has no exchange to end after: it runs until its peers end it
            // or the grace period does.
            if (!TcpListenerInitializer.isRelayed(channel)) {
                channel.eventLoop().execute(() -> HttpListenerInitializer.drain(channel));
            }
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
            loop.execute(pools::closeIdleOnThisLoop);
        }
        backendChannels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        boss.terminationFuture().awaitUninterruptibly();
        workers.terminationFuture().awaitUninterruptibly();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO).join();
    }
}
