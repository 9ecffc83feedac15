package dev.maitre.engine.tcp;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.listener.ListenerContext;
import dev.maitre.engine.pool.BackendConnector;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.proxyprotocol.ProxyHeader;
import dev.maitre.engine.relay.CountingReadAllocator;
import dev.maitre.engine.relay.SpliceFlow;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.transport.Transport;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.Upstream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;

/**
 * What every connection of one tcp listener shares: besides what every listener has, the cluster it
 * relays to (replaced by a reload; a relayed pair keeps the one it started with) and the relay mode.
 */
public final class TcpListenerContext extends ListenerContext {

    /**
     * The largest read of a buffered pair: up to what the fixed receive buffer can hold, four times
     * Netty's default of 64 KiB, so a busy relay makes a quarter of the system calls and event-loop
     * wake-ups per byte. Reads start at 64 KiB and grow only while they come back full.
     */
    static final int MAX_READ_BYTES = 256 * 1024;

    private final Transport transport;
    private volatile ClusterRuntime cluster;

    public TcpListenerContext(ListenerConfig config, ServerTls tls, ClusterRuntime cluster, Upstream upstream,
                              Transport transport, ChannelGroup clientChannels) {
        super(config, tls, upstream, clientChannels);
        this.transport = transport;
        this.cluster = checked(config, cluster);
    }

    /**
     * How connections of {@code config} are relayed on {@code transport}: splice only when it is asked
     * for and possible (epoll, no TLS), buffered otherwise.
     */
    public static RelayMode relayMode(ListenerConfig config, Transport transport) {
        return config.relay() == RelayMode.SPLICE && transport == Transport.EPOLL && config.tls() == null
                ? RelayMode.SPLICE : RelayMode.BUFFERED;
    }

    public ClusterRuntime cluster() {
        return cluster;
    }

    /**
     * New connections relay to {@code nextCluster} (the listener's cluster, reloaded: its balancer,
     * timeouts and retries) with {@code next}'s settings and TLS; pairs already relaying keep what they
     * started with.
     */
    public void reconfigure(ListenerConfig next, ServerTls nextTls, ClusterRuntime nextCluster) {
        checked(next, nextCluster);
        super.reconfigure(next, nextTls);
        cluster = nextCluster;
    }

    private static ClusterRuntime checked(ListenerConfig config, ClusterRuntime cluster) {
        if (!cluster.name().equals(config.cluster())) {
            throw new IllegalArgumentException("listener " + config.name() + " relays to cluster " + config.cluster()
                    + ", not " + cluster.name());
        }
        return cluster;
    }

    /**
     * True when a new pair of this listener relaying to {@code relayedTo} is spliced: never to a
     * cluster spoken to over TLS, whose bytes must pass the TLS handler (the configuration refuses
     * that, this makes sure).
     */
    boolean splices(ClusterRuntime relayedTo) {
        return relayMode(config(), transport) == RelayMode.SPLICE && relayedTo.tls() == null;
    }

    /** Readies a new client connection for its relay mode. */
    void prepare(Channel ch, boolean splice) {
        ch.config().setOption(ChannelOption.SO_RCVBUF, BackendConnector.RECEIVE_BUFFER_BYTES);
        ch.config().setRecvByteBufAllocator(readAllocator(splice));
    }

    /** A spliced connection counts what its reads move; a buffered one reads up to {@link #MAX_READ_BYTES}. */
    private static RecvByteBufAllocator readAllocator(boolean splice) {
        return splice ? new CountingReadAllocator(SpliceFlow.SPLICE_BYTES)
                : new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, MAX_READ_BYTES);
    }

    /**
     * Opens the backend side of a pair to {@code endpoint} on {@code loop}, with {@code handler} as its
     * pipeline, over TLS when the cluster has it (the future completes after the handshake), opening
     * with a PROXY header naming the client of connection {@code client} when the cluster sends one.
     */
    ChannelFuture connect(EventLoop loop, ClusterRuntime cluster, Endpoint endpoint, ChannelHandler handler,
                          boolean splice, Channel client) {
        BackendConnector connector = upstream().connector();
        Bootstrap bootstrap = connector.bootstrap(loop, cluster.config(), handler)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, readAllocator(splice));
        ProxyProtocolVersion proxyProtocol = cluster.config().proxyProtocol();
        return connector.connect(bootstrap, endpoint, cluster.tls(),
                proxyProtocol.sends() ? new ProxyHeader(proxyProtocol, ClientAddresses.of(client)) : null);
    }

    @Override
    public void drain(Channel ch) {
        // A relayed pair has no exchange to end after: it runs until its peers end it, or until the
        // engine's grace period is over.
    }
}
