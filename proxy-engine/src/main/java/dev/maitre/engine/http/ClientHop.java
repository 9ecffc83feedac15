package dev.maitre.engine.http;

/**
 * The peer of one client connection as the forwarding headers describe it, decided once when the
 * connection is accepted.
 *
 * @param address the peer's IP address as text ({@code -} when unknown)
 * @param trusted whether the peer is one of the listener's {@code trustedProxies}, whose forwarding
 *     headers are kept and extended rather than replaced
 */
record ClientHop(String address, boolean trusted) {

    static final ClientHop UNKNOWN = new ClientHop("-", false);
}
