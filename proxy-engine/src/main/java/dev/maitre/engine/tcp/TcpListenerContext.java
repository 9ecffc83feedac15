package dev.maitre.engine.tcp;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one tcp listener shares: its configuration, its cluster, the health
 * view, the outcome listener, the engine's channel groups and how backend connections are opened.
 * Immutable except for the connection count.
 */
public final class TcpListenerContext {

    /**
     * The kernel receive buffer of both connections of a pair. When a peer ends its input, the epoll
     * transport reads what the kernel holds for the connection at once, whether or not a read was
     * asked for (as {@code BackendPools} explains for HTTP backends); a fixed buffer keeps that, and
     * so what one slow peer makes maitre hold, to a few hundred KiB instead of the megabytes receive
     * auto-tuning grows to. The cost is a window of this size per connection.
     */
    static final int RECEIVE_BUFFER_BYTES = 128 * 1024;

    /**
     * The largest read of a buffered pair: up to what the fixed receive buffer can hold, four times
     * Netty's default of 64 KiB, so a busy relay makes a quarter of the system calls and event-loop
     * wake-ups per byte. Reads start at 64 KiB and grow only while they come back full.
     */
    static final int MAX_READ_BYTES = 256 * 1024;

    private final ListenerConfig config;
    /** Swapped by a reload; a connection keeps the one it started with. */
    private volatile ClusterRuntime cluster;
    private final HealthView health;
    private final OutcomeListener outcomes;
    private final ActiveRequests activeRequests;
    private final ChannelGroup clientChannels;
    private final ChannelGroup backendChannels;
    private final Bootstrap backendBootstrap;
    private final AtomicInteger connections = new AtomicInteger();
    private final boolean splices;

    public TcpListenerContext(ListenerConfig config, ClusterRuntime cluster, HealthView health,
                              OutcomeListener outcomes, ActiveRequests activeRequests, Transport transport,
                              ChannelGroup clientChannels, ChannelGroup backendChannels) {
        this.config = config;
        this.cluster = cluster;
        this.health = health;
        this.outcomes = outcomes;
        this.activeRequests = activeRequests;
        this.clientChannels = clientChannels;
        this.backendChannels = backendChannels;
        this.splices = relayMode(config, transport) == RelayMode.SPLICE;
        this.backendBootstrap = new Bootstrap()
                .channelFactory(transport.channelFactory())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /**
     * How connections of {@code config} are relayed on {@code transport}: splice only when it is asked
     * for and possible (epoll, no TLS), buffered otherwise.
     */
    public static RelayMode relayMode(ListenerConfig config, Transport transport) {
        return config.relay() == RelayMode.SPLICE && transport == Transport.EPOLL && config.tls() == null
                ? RelayMode.SPLICE : RelayMode.BUFFERED;
    }

    public ListenerConfig config() {
        return config;
    }

    public ClusterRuntime cluster() {
        return cluster;
    }

    /**
     * New connections use {@code next} (the same cluster, reloaded: its balancer, timeouts and
     * retries); connections already relaying keep the runtime they started with.
     */
    public void use(ClusterRuntime next) {
        if (!next.config().name().equals(config.cluster())) {
            throw new IllegalArgumentException("listener " + config.name() + " relays to cluster " + config.cluster()
                    + ", not " + next.config().name());
        }
        this.cluster = next;
    }

    HealthView health() {
        return health;
    }

    OutcomeListener outcomes() {
        return outcomes;
    }

    ActiveRequests activeRequests() {
        return activeRequests;
    }

    ChannelGroup clientChannels() {
        return clientChannels;
    }

    ChannelGroup backendChannels() {
        return backendChannels;
    }

    AtomicInteger connections() {
        return connections;
    }

    /** True when this listener's pairs are spliced. */
    boolean splices() {
        return splices;
    }

    /** Readies a new connection of a pair for its relay mode: a spliced one counts what its reads move. */
    void prepare(Channel ch) {
        ch.config().setOption(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
        ch.config().setRecvByteBufAllocator(readAllocator());
    }

    /** A spliced connection counts what its reads move; a buffered one reads up to {@link #MAX_READ_BYTES}. */
    private RecvByteBufAllocator readAllocator() {
        return splices ? new CountingReadAllocator(SpliceFlow.SPLICE_BYTES)
                : new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, MAX_READ_BYTES);
    }

    /** Opens a connection to {@code endpoint} on {@code loop}, with {@code handler} as its pipeline. */
    ChannelFuture connect(EventLoop loop, ClusterRuntime cluster, Endpoint endpoint, ChannelHandler handler) {
        Bootstrap bootstrap = backendBootstrap.clone(loop).handler(handler);
        bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, cluster.config().timeouts().connect().toMillis()));
        bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, readAllocator());
        return bootstrap.connect(endpoint.address().host(), endpoint.address().port());
    }
}
