package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import dev.maitre.api.IpRange;
import java.util.List;
import java.util.Objects;

/**
 * One listening socket.
 *
 * @param routes for {@code http} listeners: the routes, first match wins; empty for {@code tcp}
 * @param cluster for {@code tcp} listeners: the one cluster; {@code null} for {@code http}
 * @param tls {@code null} when the listener speaks plain text
 * @param relay for {@code tcp} listeners: how bytes are moved; {@link RelayMode#BUFFERED} for {@code http}
 * @param trustedProxies the peers whose forwarding headers are kept and extended; from any other peer
 *     they are replaced. Empty (the default): trust nobody
 * @param headers how request header names are treated
 */
public record ListenerConfig(
        String name,
        HostPort bind,
        Protocol protocol,
        List<RouteConfig> routes,
        String cluster,
        TlsConfig tls,
        ListenerTimeouts timeouts,
        ListenerLimits limits,
        RelayMode relay,
        List<IpRange> trustedProxies,
        ListenerHeaders headers) {

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(protocol, "protocol");
        routes = List.copyOf(routes);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(relay, "relay");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(headers, "headers");
    }

    /** A listener that trusts no proxy and drops underscored header names (the defaults). */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<RouteConfig> routes, String cluster,
                          TlsConfig tls, ListenerTimeouts timeouts, ListenerLimits limits, RelayMode relay) {
        this(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, List.of(), ListenerHeaders.defaults());
    }

    /** A listener that relays tcp connections buffered (the default), or any http listener. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<RouteConfig> routes, String cluster,
                          TlsConfig tls, ListenerTimeouts timeouts, ListenerLimits limits) {
        this(name, bind, protocol, routes, cluster, tls, timeouts, limits, RelayMode.BUFFERED);
    }

    /** This listener with {@code mode} as its relay mode. */
    public ListenerConfig withRelay(RelayMode mode) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, mode, trustedProxies,
                headers);
    }

    /** This listener trusting the forwarding headers of {@code proxies}, with {@code value} as its header rules. */
    public ListenerConfig withForwarding(List<IpRange> proxies, ListenerHeaders value) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, proxies, value);
    }

    /** An HTTP listener with default timeouts and limits. */
    public static ListenerConfig http(String name, HostPort bind, List<RouteConfig> routes) {
        return new ListenerConfig(name, bind, Protocol.HTTP, routes, null, null,
                ListenerTimeouts.defaults(), ListenerLimits.defaults());
    }
}
