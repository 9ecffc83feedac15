package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.engine.listener.ListenerContext;
import dev.maitre.engine.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;

/**
 * What every connection of one HTTP listener shares: besides what every listener has, its routing
 * table, replaced whole by a reload.
 */
public final class HttpListenerContext extends ListenerContext {

    private volatile RoutingTable table;

    public HttpListenerContext(ListenerConfig config, SslContext ssl, RoutingTable table, Upstream upstream,
                               ChannelGroup clientChannels) {
        super(config, ssl, upstream, clientChannels);
        this.table = table;
    }

    /** The routing table new requests use; read it once per request. */
    public RoutingTable table() {
        return table;
    }

    /**
     * New requests route by {@code nextTable}; new connections get {@code next}'s limits and TLS, and
     * timeouts apply from the next time they are armed. Requests in flight finish with the table they
     * started with.
     */
    public void reconfigure(ListenerConfig next, SslContext nextSsl, RoutingTable nextTable) {
        super.reconfigure(next, nextSsl);
        table = nextTable;
    }

    /** {@code https} when the listener terminates TLS. */
    String scheme() {
        return config().tls() != null ? "https" : "http";
    }

    @Override
    public void drain(Channel ch) {
        ClientConnectionHandler handler = ch.pipeline().get(ClientConnectionHandler.class);
        if (handler != null) {
            handler.drain();
        } else {
            ch.close();
        }
    }
}
