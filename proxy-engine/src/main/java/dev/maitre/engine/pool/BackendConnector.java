package dev.maitre.engine.pool;

import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.engine.proxyprotocol.ProxyHeader;
import dev.maitre.engine.proxyprotocol.ProxyHeaderWriter;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslHandler;

/**
 * Opens every backend connection of an engine, for HTTP exchanges (through the pools) and L4 relays
 * alike: on the caller's event loop, with reads off, no Nagle delay, the cluster's connect timeout and
 * a fixed kernel receive buffer, over TLS to a cluster that has it, and opening with a PROXY header to a
 * cluster that sends one. Each connection joins the
 * engine's group of backend connections, so that shutdown and the buffered-bytes gauge see it.
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

    /** The name of the TLS handler in a backend connection's pipeline. */
    private static final String TLS_HANDLER = "tls";

    /** The handshake's bound when a bootstrap has no connect timeout (the cluster's default one). */
    private static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 2000;

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

    /** Opens a clear-text connection to {@code endpoint} with {@code bootstrap}; the future completes on its loop. */
    public ChannelFuture connect(Bootstrap bootstrap, Endpoint endpoint) {
        return connect(bootstrap, endpoint, null);
    }

    /**
     * Opens a connection to {@code endpoint} with {@code bootstrap}, over TLS when {@code tls} is not
     * null; the future completes on its loop. Over TLS it completes only once the handshake did: a
     * connection is never handed out before it can carry bytes safely, and a failed handshake (an
     * untrusted certificate, a name that does not match) is a failed connect, retried and reported
     * like one. The cluster's connect timeout bounds the handshake too.
     */
    public ChannelFuture connect(Bootstrap bootstrap, Endpoint endpoint, BackendTls tls) {
        return connect(bootstrap, endpoint, tls, null);
    }

    /**
     * Opens a connection as {@link #connect(Bootstrap, Endpoint, BackendTls)} does, whose first bytes are
     * {@code header} when it is not null (before the TLS handshake, as a PROXY header goes in clear text).
     */
    public ChannelFuture connect(Bootstrap bootstrap, Endpoint endpoint, BackendTls tls, ProxyHeader header) {
        HostPort address = endpoint.address();
        if (tls == null && header == null) {
            ChannelFuture connect = bootstrap.connect(address.host(), address.port());
            backendChannels.add(connect.channel());
            return connect;
        }
        Object timeout = bootstrap.config().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS);
        ChannelHandler pipeline = bootstrap.config().handler();
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (header != null) {
                    ProxyHeaderWriter.addTo(ch, header);
                }
                // before the rest of the pipeline: everything after it reads and writes clear text
                if (tls != null) {
                    ch.pipeline().addLast(TLS_HANDLER, tls.newHandler(ch.alloc(), address,
                            timeout instanceof Integer millis ? millis : DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
                }
                ch.pipeline().addLast(pipeline);
            }
        }).connect(address.host(), address.port());
        Channel channel = connect.channel();
        backendChannels.add(channel);
        ChannelPromise ready = channel.newPromise();
        connect.addListener(connected -> {
            if (!connected.isSuccess()) {
                ready.tryFailure(connected.cause());
                return;
            }
            if (header != null) {
                ProxyHeaderWriter.sendNow(channel);
            }
            if (tls == null) {
                ready.trySuccess();
                return;
            }
            // With reads off the handler reads for itself until the handshake is over.
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    ready.trySuccess();
                } else {
                    ready.tryFailure(BackendTls.handshakeFailed(address, tls.peerHost(address), handshake.cause()));
                    channel.close();
                }
            });
        });
        return ready;
    }
}
