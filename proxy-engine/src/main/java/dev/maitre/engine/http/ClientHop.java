package dev.maitre.engine.http;

import java.net.InetAddress;

/**
 * The peer of one client connection as the forwarding headers describe it, decided once when the
 * connection is accepted. It keeps the address the channel holds anyway, not its text: the text is
 * asked for per request from the event loop's {@link RequestPool}, which keeps it for the addresses
 * seen last, so that an idle connection holds no string of its own.
 *
 * @param address the peer's IP address, {@code null} when unknown
 * @param trusted whether the peer is one of the listener's {@code trustedProxies}, whose forwarding
 *     headers are kept and extended rather than replaced
 */
record ClientHop(InetAddress address, boolean trusted) {

    static final ClientHop UNKNOWN = new ClientHop(null, false);

    /** The address as text ({@code -} when unknown), as {@link InetAddress#getHostAddress()} writes it. */
    String text() {
        return address == null ? "-" : RequestPool.current().text(address);
    }
}
