package dev.maitre.engine.http;

import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.pool.BackendPools;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of one HTTP listener shares: its configuration, its routing table, the
 * health view, the outcome listener and the engine's pools. Immutable except for the routing table
 * (replaced whole on a reload), the connection count, the client-timeout count and the draining flag.
 */
public final class HttpListenerContext {

    private final ListenerConfig config;
    private volatile RoutingTable table;
    private final HealthView health;
    private final OutcomeListener outcomes;
    private final BackendPools pools;
    private final ActiveRequests activeRequests;
    private final ChannelGroup clientChannels;
    private final String scheme;
    private final AtomicInteger connections = new AtomicInteger();
    private final LongAdder clientTimeouts = new LongAdder();
    private volatile boolean draining;

    public HttpListenerContext(ListenerConfig config, RoutingTable table, HealthView health,
                               OutcomeListener outcomes, BackendPools pools, ActiveRequests activeRequests,
                               ChannelGroup clientChannels) {
        this.config = config;
        this.table = table;
        this.health = health;
        this.outcomes = outcomes;
        this.pools = pools;
        this.activeRequests = activeRequests;
        this.clientChannels = clientChannels;
        this.scheme = config.tls() != null ? "https" : "http";
    }

    public ListenerConfig config() {
        return config;
    }

    /** The routing table new requests use; read it once per request. */
    public RoutingTable table() {
        return table;
    }

    /** New requests route by {@code next}; those in flight finish with the table they started with. */
    public void use(RoutingTable next) {
        table = next;
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

    String scheme() {
        return scheme;
    }

    AtomicInteger connections() {
        return connections;
    }

    /** Exchanges ended because their client made no progress for {@code timeouts.client}. */
    public long clientTimeouts() {
        return clientTimeouts.sum();
    }

    void countClientTimeout() {
        clientTimeouts.increment();
    }

    public boolean draining() {
        return draining;
    }

    /** From now on every response closes its connection. */
    public void startDraining() {
        draining = true;
    }
}
