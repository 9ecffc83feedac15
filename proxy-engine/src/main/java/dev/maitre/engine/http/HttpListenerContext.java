package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.pool.BackendPools;
import dev.maitre.engine.route.Router;
import io.netty.channel.group.ChannelGroup;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one HTTP listener shares: its configuration, routes, clusters, the
 * health view, the outcome listener and the engine's pools. Immutable except for the connection
 * count and the draining flag.
 */
public final class HttpListenerContext {

    private final ListenerConfig config;
    private final Router router;
    private final Map<String, ClusterRuntime> clusters;
    private final HealthView health;
    private final OutcomeListener outcomes;
    private final BackendPools pools;
    private final ActiveRequests activeRequests;
    private final ChannelGroup clientChannels;
    private final boolean accessLog;
    private final String scheme;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean draining;

    public HttpListenerContext(ListenerConfig config, Map<String, ClusterRuntime> clusters, HealthView health,
                               OutcomeListener outcomes, BackendPools pools, ActiveRequests activeRequests,
                               ChannelGroup clientChannels, boolean accessLog) {
        this.config = config;
        this.router = new Router(config.routes());
        this.clusters = Map.copyOf(clusters);
        this.health = health;
        this.outcomes = outcomes;
        this.pools = pools;
        this.activeRequests = activeRequests;
        this.clientChannels = clientChannels;
        this.accessLog = accessLog;
        this.scheme = config.tls() != null ? "https" : "http";
    }

    public ListenerConfig config() {
        return config;
    }

    Router router() {
        return router;
    }

    ClusterRuntime cluster(String name) {
        return clusters.get(name);
    }

    HealthView health() {
        return health;
    }

    OutcomeListener outcomes() {
        return outcomes;
    }

    BackendPools pools() {
        return pools;
    }

    ActiveRequests activeRequests() {
        return activeRequests;
    }

    ChannelGroup clientChannels() {
        return clientChannels;
    }

    boolean accessLog() {
        return accessLog;
    }

    String scheme() {
        return scheme;
    }

    AtomicInteger connections() {
        return connections;
    }

    public boolean draining() {
        return draining;
    }

    /** From now on every response closes its connection. */
    public void startDraining() {
        draining = true;
    }
}
