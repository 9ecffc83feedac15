package dev.maitre.engine.http;

import dev.maitre.api.BackendId;
import dev.maitre.api.IpRange;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.engine.listener.ListenerContext;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.tls.ServerTls;
import dev.maitre.engine.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of one HTTP listener shares: besides what every listener has, its routing
 * table and how request heads are rewritten for backends, both replaced whole by a reload.
 */
public final class HttpListenerContext extends ListenerContext {

    private volatile RoutingTable table;
    private volatile Forwarding forwarding;
    private final LongAdder clientTimeouts = new LongAdder();
    private final Tunnels tunnels;
    private final TunnelCounts listenerTunnels;

    /**
     * How this listener's requests are rewritten for backends, whose forwarding headers it trusts,
     * and which upgrades it passes on.
     */
    private record Forwarding(BackendRequest backendRequest, IpRange[] trustedProxies, Upgrades upgrades) {

        static Forwarding of(ListenerConfig config) {
            Upgrades upgrades = new Upgrades(config.upgrades());
            ClientCertificateHeaders certificateHeaders = config.tls() == null ? ClientCertificateHeaders.NONE
                    : ClientCertificateHeaders.of(config.tls().clientCertHeaders());
            return new Forwarding(new BackendRequest(config.tls() != null ? "https" : "http",
                    config.headers().allowUnderscores(), upgrades, certificateHeaders),
                    config.trustedProxies().toArray(IpRange[]::new), upgrades);
        }
    }

    /** @param tunnels the engine's tunnel counts, which this listener's tunnels add to */
    public HttpListenerContext(ListenerConfig config, ServerTls tls, RoutingTable table, Upstream upstream,
                               ChannelGroup clientChannels, Tunnels tunnels) {
        super(config, tls, upstream, clientChannels);
        this.tunnels = tunnels;
        this.listenerTunnels = tunnels.ofListener(config.name());
        this.table = table;
        this.forwarding = Forwarding.of(config);
    }

    /** The routing table new requests use; read it once per request. */
    public RoutingTable table() {
        return table;
    }

    /**
     * New requests route by {@code nextTable}; new connections get {@code next}'s limits, TLS and
     * forwarding rules, and timeouts apply from the next time they are armed. Requests in flight
     * finish with the table they started with.
     */
    public void reconfigure(ListenerConfig next, ServerTls nextTls, RoutingTable nextTable) {
        Forwarding nextForwarding = Forwarding.of(next);
        super.reconfigure(next, nextTls);
        forwarding = nextForwarding;
        table = nextTable;
    }

    /** The upgrades this listener passes on to its backends ({@code upgrades}). */
    Upgrades upgrades() {
        return forwarding.upgrades();
    }

    /**
     * The peer of a newly accepted connection: its address (the one its PROXY header named, if it came
     * with one), and whether it is trusted.
     */
    ClientHop hopOf(Channel channel) {
        InetSocketAddress remote = ClientAddresses.sourceOf(channel);
        if (remote == null) {
            return ClientHop.UNKNOWN;
        }
        IpRange[] trustedProxies = forwarding.trustedProxies();
        boolean trusted = trustedProxies.length > 0 && IpRange.anyContains(trustedProxies, remote.getAddress());
        return new ClientHop(remote.getAddress(), trusted);
    }

    BackendRequest backendRequest() {
        return forwarding.backendRequest();
    }

    /** Exchanges ended because their client made no progress for {@code timeouts.client}. */
    public long clientTimeouts() {
        return clientTimeouts.sum();
    }

    void countClientTimeout() {
        clientTimeouts.increment();
    }

    /** The counts of this listener's tunnels. */
    TunnelCounts tunnels() {
        return listenerTunnels;
    }

    /** The counts of the tunnels to {@code backend}, from every listener. */
    TunnelCounts backendTunnels(BackendId backend) {
        return tunnels.ofBackend(backend);
    }

    @Override
    public void drain(Channel ch) {
        ClientConnectionHandler handler = ch.pipeline().get(ClientConnectionHandler.class);
        Http2ClientConnection http2 = handler == null ? ch.pipeline().get(Http2ClientConnection.class) : null;
        if (handler != null) {
            handler.drain();
        } else if (http2 != null) {
            http2.drain();
        } else if (ch.pipeline().get(RelayHandler.class) == null) {
            ch.close();
        }
        // A tunnel has no exchange to end after: like a tcp listener's pair, it runs until its peers
        // end it, or until the engine's grace period is over.
    }
}
