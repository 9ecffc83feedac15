package dev.maitre.engine.http;

import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.pool.BackendPools;
import dev.maitre.api.IpRange;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one HTTP listener shares: its configuration, its routing table, the
 * health view, the outcome listener, the engine's pools and how request heads are rewritten for
 * backends. Immutable except for the routing table (replaced whole on a reload), the connection count
 * and the draining flag.
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
    private final BackendRequest backendRequest;
    private final IpRange[] trustedProxies;
    /** The listening port as text, kept so that connections share one string. */
    private volatile LocalPort localPort;
    private final AtomicInteger connections = new AtomicInteger();
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
        this.backendRequest = new BackendRequest(scheme, config.headers().allowUnderscores());
        this.trustedProxies = config.trustedProxies().toArray(IpRange[]::new);
    }

    /** The peer of a newly accepted connection: its address, whether it is trusted, the port it reached. */
    ClientHop hopOf(Channel channel) {
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote)) {
            return ClientHop.UNKNOWN;
        }
        boolean trusted = trustedProxies.length > 0 && IpRange.anyContains(trustedProxies, remote.getAddress());
        return new ClientHop(remote.getAddress().getHostAddress(), trusted, portText(channel));
    }

    private String portText(Channel channel) {
        int port = channel.localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
        LocalPort known = localPort;
        if (known == null || known.port() != port) {
            known = new LocalPort(port, Integer.toString(port));
            localPort = known;
        }
        return known.text();
    }

    private record LocalPort(int port, String text) {
    }

    BackendRequest backendRequest() {
        return backendRequest;
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

    public boolean draining() {
        return draining;
    }

    /** From now on every response closes its connection. */
    public void startDraining() {
        draining = true;
    }
}
