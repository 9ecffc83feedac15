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
 * @param upgrades for {@code http} listeners: the protocols a client may upgrade its connection to
 *     through the proxy (RFC 9110 §7.8), lower-cased, each once; empty passes no upgrade. Never
 *     {@code h2c}. Empty for {@code tcp}
 * @param http2 for {@code http} listeners: whether and how clients speak HTTP/2; disabled for {@code tcp}
 * @param proxyProtocol whether every connection must come from one of {@code trustedProxies} and start
 *     with a PROXY protocol header (v1 or v2), whose address then stands for the client's; off by default
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
        ListenerHeaders headers,
        List<String> upgrades,
        ListenerHttp2 http2,
        boolean proxyProtocol) {

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
        upgrades = UpgradeProtocols.normalize(upgrades);
        Objects.requireNonNull(http2, "http2");
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("proxyProtocol: true (expected: with trustedProxies, the peers that "
                    + "send the header)");
        }
    }

    /** A listener that reads no PROXY protocol header. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<RouteConfig> routes, String cluster,
                          TlsConfig tls, ListenerTimeouts timeouts, ListenerLimits limits, RelayMode relay,
                          List<IpRange> trustedProxies, ListenerHeaders headers, List<String> upgrades,
                          ListenerHttp2 http2) {
        this(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies, headers, upgrades,
                http2, false);
    }

    /** A listener with the default HTTP/2 settings: on for {@code http}, off for {@code tcp}. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<RouteConfig> routes, String cluster,
                          TlsConfig tls, ListenerTimeouts timeouts, ListenerLimits limits, RelayMode relay,
                          List<IpRange> trustedProxies, ListenerHeaders headers, List<String> upgrades) {
        this(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies, headers, upgrades,
                defaultHttp2(protocol));
    }

    /** A listener with the default upgrades: {@code websocket} for {@code http}, none for {@code tcp}. */
    public ListenerConfig(String name, HostPort bind, Protocol protocol, List<RouteConfig> routes, String cluster,
                          TlsConfig tls, ListenerTimeouts timeouts, ListenerLimits limits, RelayMode relay,
                          List<IpRange> trustedProxies, ListenerHeaders headers) {
        this(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies, headers,
                defaultUpgrades(protocol));
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
                headers, upgrades, http2, proxyProtocol);
    }

    /** This listener trusting the forwarding headers of {@code proxies}, with {@code value} as its header rules. */
    public ListenerConfig withForwarding(List<IpRange> proxies, ListenerHeaders value) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, proxies, value,
                upgrades, http2, proxyProtocol);
    }

    /** This listener letting clients upgrade to {@code protocols}. */
    public ListenerConfig withUpgrades(List<String> protocols) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies,
                headers, protocols, http2, proxyProtocol);
    }

    /** This listener with {@code value} as its HTTP/2 settings. */
    public ListenerConfig withHttp2(ListenerHttp2 value) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies,
                headers, upgrades, value, proxyProtocol);
    }

    /**
     * This listener reading a PROXY protocol header from every connection ({@code true}), which then
     * must come from one of {@code proxies}; {@code proxies} also keeps its forwarding headers.
     */
    public ListenerConfig withProxyProtocol(List<IpRange> proxies, boolean value) {
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, proxies,
                headers, upgrades, http2, value);
    }

    /**
     * Whether a client may upgrade to {@code protocol}, one element of its request's {@code Upgrade}
     * header such as {@code websocket} or {@code WebSocket/13}. Case is ignored (ASCII only). A listed
     * name without a version allows every version of that protocol; a listed {@code name/version}
     * allows that version only. {@code h2c} is never allowed.
     */
    public boolean allowsUpgrade(String protocol) {
        // Indexed, so the per-request check makes no iterator.
        for (int i = 0; i < upgrades.size(); i++) {
            if (UpgradeProtocols.matches(upgrades.get(i), protocol)) {
                return true;
            }
        }
        return false;
    }

    /** The upgrades a listener of {@code protocol} allows when its configuration names none. */
    public static List<String> defaultUpgrades(Protocol protocol) {
        return protocol == Protocol.HTTP ? UpgradeProtocols.DEFAULT : List.of();
    }

    /** The HTTP/2 settings of a listener of {@code protocol} whose configuration names none. */
    public static ListenerHttp2 defaultHttp2(Protocol protocol) {
        return protocol == Protocol.HTTP ? ListenerHttp2.defaults() : ListenerHttp2.disabled();
    }

    /** An HTTP listener with default timeouts and limits. */
    public static ListenerConfig http(String name, HostPort bind, List<RouteConfig> routes) {
        return new ListenerConfig(name, bind, Protocol.HTTP, routes, null, null,
                ListenerTimeouts.defaults(), ListenerLimits.defaults());
    }
}
