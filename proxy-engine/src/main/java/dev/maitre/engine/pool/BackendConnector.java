package dev.maitre.engine.pool;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;

/**
 * Opens every backend connection of an engine, for HTTP exchanges (through the pools) and L4 relays
 * alike: on the caller's event loop, with reads off, no Nagle delay, the cluster's connect timeout and
 * a fixed kernel receive buffer. Each connection joins the engine's group of backend connections, so
 * that shutdown and the buffered-bytes gauge see it.
 */
public final class BackendConnector {

    /**
     * The kernel receive buffer of a backend connection. When a peer ends its input, the epoll
     * transport reads everything the kernel holds for the connection at once, whether or not a read
     * was asked for; a fixed buffer keeps that, and so what one slow client makes maitre hold, to a
     * few hundred KiB instead of the megabytes receive auto-tuning grows to. The cost is a window of
     * this size: about 128 MB/s per connection to a backend 1 ms away.
     */
    public static final int RECEIVE_BUFFER_BYTES = 128 * 1024;

    private final Bootstrap base;
    private final ChannelGroup backendChannels;

    public BackendConnector(Transport transport, ChannelGroup backendChannels) {
        this.backendChannels = backendChannels;
        this.base = new Bootstrap()
                .channelFactory(transport.channelFactory())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                .option(ChannelOption.AUTO_READ, false);
    }

    /**
     * A bootstrap for connections to {@code cluster}'s backends on {@code loop}, whose pipeline is
     * {@code handler}; the caller may add options before connecting with {@link #connect}.
     */
    public Bootstrap bootstrap(EventLoop loop, ClusterConfig cluster, ChannelHandler handler) {
        return base.clone(loop)
                .handler(handler)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, cluster.timeouts().connect().toMillis()));
    }

    /** Opens a connection to {@code endpoint} with {@code bootstrap}; the future completes on its loop. */
    public ChannelFuture connect(Bootstrap bootstrap, Endpoint endpoint) {
        ChannelFuture connect = bootstrap.connect(endpoint.address().host(), endpoint.address().port());
        backendChannels.add(connect.channel());
        return connect;
    }
}
