package dev.maitre.engine.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * The two ends of a client's connection as maitre tells them on: the client's address and the address
 * it connected to. They are the socket's own, unless a PROXY protocol header said otherwise, in which
 * case they are the header's (kept on the channel by {@link ProxyHeaderReader}).
 *
 * @param source the client's address; {@code null} when unknown
 * @param destination the address the client connected to; {@code null} when unknown
 */
public record ClientAddresses(InetSocketAddress source, InetSocketAddress destination) {

    private static final AttributeKey<ClientAddresses> PROXIED = AttributeKey.valueOf(ClientAddresses.class, "proxied");

    /** The addresses of client connection {@code ch}: from its PROXY header, else the socket's. */
    public static ClientAddresses of(Channel ch) {
        ClientAddresses proxied = ch.attr(PROXIED).get();
        if (proxied != null) {
            return proxied;
        }
        return new ClientAddresses(ch.remoteAddress() instanceof InetSocketAddress remote ? remote : null,
                ch.localAddress() instanceof InetSocketAddress local ? local : null);
    }

    /** The client's address of connection {@code ch} ({@link #of}), without making a record for it. */
    public static InetSocketAddress sourceOf(Channel ch) {
        ClientAddresses proxied = ch.attr(PROXIED).get();
        if (proxied != null) {
            return proxied.source();
        }
        return ch.remoteAddress() instanceof InetSocketAddress remote ? remote : null;
    }

    /** From now on {@code ch} stands for the client {@code addresses} names. */
    static void proxied(Channel ch, ClientAddresses addresses) {
        ch.attr(PROXIED).set(addresses);
    }
}
