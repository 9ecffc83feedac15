package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import dev.maitre.api.IpRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds {@code listeners[]}: addresses, protocols, routes, TLS, timeouts, limits, forwarding rules,
 * upgrades, HTTP/2 settings and the PROXY protocol.
 */
final class ListenerBinder {

    private static final List<String> KEYS =
            List.of("name", "bind", "protocol", "routes", "cluster", "relay", "tls", "timeouts", "limits",
                    "trustedProxies", "headers", "upgrades", "http2", "proxyProtocol");
    private static final List<String> ROUTE_KEYS = List.of("host", "pathPrefix", "cluster");
    private static final List<String> TIMEOUT_KEYS = List.of("requestHeader", "idle", "client", "tunnelIdle");
    private static final List<String> HEADER_KEYS = List.of("allowUnderscores");
    private static final List<String> HTTP2_KEYS =
            List.of("enabled", "maxConcurrentStreams", "initialWindowSize", "maxFrameSize", "maxHeaderListSize",
                    "only");
    private static final List<String> LIMIT_KEYS =
            List.of("maxRequestLineBytes", "maxHeaderBytes", "maxBodyBytes", "maxConnections", "pipelinedRequests");

    private static final Map<String, Protocol> PROTOCOLS = new LinkedHashMap<>();

    static {
        PROTOCOLS.put("http", Protocol.HTTP);
        PROTOCOLS.put("tcp", Protocol.TCP);
    }

    private static final Map<String, RelayMode> RELAY_MODES = new LinkedHashMap<>();

    static {
        RELAY_MODES.put("buffered", RelayMode.BUFFERED);
        RELAY_MODES.put("splice", RelayMode.SPLICE);
    }

    private static final String ADDRESS = "an address such as 0.0.0.0:8080";
    private static final String ROUTE_HOST =
            "a host name such as api.example.com or *.example.com; leave host out to match any";
    private static final Pattern HOST_PATTERN = Pattern.compile(
            "(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*",
            Pattern.CASE_INSENSITIVE);
    private static final long MAX_HEAD_BYTES = 1L << 30;
    private static final String IP_RANGE =
            "an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";
    private static final String PATH_PREFIX = "a path starting with /, without . or .. segments or repeated "
            + "slashes (requests are routed by their path with those resolved)";

    private final UniqueNames clusterNames;
    private final HostPort adminBind;
    private final TlsBinder tlsBinder;
    private final UniqueNames names = new UniqueNames();
    private final Map<HostPort, String> listenerByBind = new HashMap<>();

    ListenerBinder(UniqueNames clusterNames, HostPort adminBind, Path baseDir) {
        this.clusterNames = clusterNames;
        this.adminBind = adminBind;
        this.tlsBinder = new TlsBinder(baseDir);
    }

    List<ListenerConfig> bindAll(ConfigNode listeners) {
        List<ListenerConfig> bound = new ArrayList<>();
        for (ConfigNode node : listeners.nonEmptyElements("at least one listener")) {
            ListenerConfig listener = bind(node);
            if (listener != null) {
                bound.add(listener);
            }
        }
        return bound;
    }

    private ListenerConfig bind(ConfigNode node) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        String name = names.bind(node.get("name"));
        HostPort bind = bindAddress(node.get("bind"));
        Protocol protocol = node.get("protocol").required("http or tcp").choice(null, PROTOCOLS);
        List<RouteConfig> routes = bindRoutes(node.get("routes"), protocol);
        String cluster = bindTcpCluster(node.get("cluster"), protocol);
        TlsConfig tls = tlsBinder.bind(node.get("tls"), protocol);
        RelayMode relay = bindRelay(node.get("relay"), protocol, node.get("tls").isPresent());
        ListenerTimeouts timeouts = bindTimeouts(node.get("timeouts"));
        ListenerLimits limits = bindLimits(node.get("limits"));
        boolean proxyProtocol = node.get("proxyProtocol").bool(false);
        List<IpRange> trustedProxies = bindTrustedProxies(node.get("trustedProxies"), protocol, proxyProtocol);
        if (proxyProtocol && trustedProxies.isEmpty() && !node.get("trustedProxies").isPresent()) {
            node.get("proxyProtocol").reject("false, or true with trustedProxies: the peers that may send the "
                    + "header (every other peer is refused)");
            proxyProtocol = false;
        }
        ListenerHeaders headers = bindHeaders(node.get("headers"), protocol);
        List<String> upgrades = bindUpgrades(node.get("upgrades"), protocol);
        ListenerHttp2 http2 = bindHttp2(node.get("http2"), protocol);
        if (name == null || bind == null || protocol == null || proxyProtocol && trustedProxies.isEmpty()) {
            return null;
        }
        return new ListenerConfig(name, bind, protocol, routes, cluster, tls, timeouts, limits, relay, trustedProxies,
                headers, upgrades, http2, proxyProtocol);
    }

    /**
     * Each element is reported with its index: {@code listeners[0].trustedProxies[2]: 10.0.0.1/8 (expected: ...)}.
     * A tcp listener reads no forwarding headers, so there they only name who may send a PROXY header.
     */
    private static List<IpRange> bindTrustedProxies(ConfigNode node, Protocol protocol, boolean proxyProtocol) {
        if (protocol == Protocol.TCP && !proxyProtocol) {
            if (node.isPresent()) {
                node.reject("no trustedProxies on a tcp listener without proxyProtocol: true; it relays bytes and "
                        + "reads no forwarding headers");
            }
            return List.of();
        }
        List<IpRange> ranges = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            IpRange range = element.parsed(null, IP_RANGE, IpRange::parse);
            if (range != null) {
                ranges.add(range);
            }
        }
        return ranges;
    }

    /**
     * Each element is a protocol token, reported with its index; the same protocol listed twice (in
     * any case) is kept once, as a list of what is allowed means the same either way.
     */
    private static List<String> bindUpgrades(ConfigNode node, Protocol protocol) {
        if (protocol == Protocol.TCP) {
            if (node.isPresent()) {
                node.reject("no upgrades on a tcp listener; it relays bytes and reads no HTTP");
            }
            return List.of();
        }
        if (!node.isPresent()) {
            return ListenerConfig.defaultUpgrades(Protocol.HTTP);
        }
        List<String> upgrades = new ArrayList<>();
        for (ConfigNode element : node.elements()) {
            String entry = element.text(UpgradeProtocols.EXPECTED);
            String refusal = entry == null ? null : UpgradeProtocols.refusal(entry);
            if (refusal != null) {
                element.reject(refusal);
            } else if (entry != null) {
                upgrades.add(entry);
            }
        }
        return upgrades;
    }

    /** Each setting is checked against the range RFC 9113 §6.5.2 allows, and where that is wide, against ours. */
    private static ListenerHttp2 bindHttp2(ConfigNode node, Protocol protocol) {
        if (protocol == Protocol.TCP) {
            if (node.isPresent()) {
                node.reject("no http2 on a tcp listener; it relays bytes and reads no HTTP");
            }
            return ListenerConfig.defaultHttp2(Protocol.TCP);
        }
        ListenerHttp2 defaults = ListenerConfig.defaultHttp2(Protocol.HTTP);
        if (!node.isMapping(HTTP2_KEYS)) {
            return defaults;
        }
        boolean enabled = node.get("enabled").bool(defaults.enabled());
        boolean only = node.get("only").bool(false);
        if (only && !enabled) {
            node.get("only").reject("false when http2.enabled is false (a listener cannot speak HTTP/2 alone and not at all)");
            only = false;
        }
        return new ListenerHttp2(
                enabled,
                node.get("maxConcurrentStreams").integer(defaults.maxConcurrentStreams(), 1,
                        ListenerHttp2.MAX_CONCURRENT_STREAMS),
                (int) node.get("initialWindowSize").sizeWithin(defaults.initialWindowSize(), 0,
                        ListenerHttp2.MAX_WINDOW_SIZE),
                (int) node.get("maxFrameSize").sizeWithin(defaults.maxFrameSize(), ListenerHttp2.MIN_FRAME_SIZE,
                        ListenerHttp2.MAX_FRAME_SIZE),
                (int) node.get("maxHeaderListSize").sizeWithin(defaults.maxHeaderListSize(),
                        ListenerHttp2.MIN_HEADER_LIST_SIZE, ListenerHttp2.MAX_HEADER_LIST_SIZE),
                only);
    }

    private static ListenerHeaders bindHeaders(ConfigNode node, Protocol protocol) {
        if (protocol == Protocol.TCP && node.isPresent()) {
            node.reject("no headers on a tcp listener; it relays bytes");
            return ListenerHeaders.defaults();
        }
        if (!node.isMapping(HEADER_KEYS)) {
            return ListenerHeaders.defaults();
        }
        return new ListenerHeaders(node.get("allowUnderscores").bool(false));
    }

    /**
     * {@code splice} with {@code tls} is refused rather than quietly relayed buffered: TLS records must
     * be decrypted in the proxy's memory, so the two can never go together, and a file that asks for
     * both has a mistake in it. A transport without splice (NIO) is a property of the machine, not of
     * the file, so there the engine falls back and logs it.
     */
    private static RelayMode bindRelay(ConfigNode node, Protocol protocol, boolean tls) {
        if (protocol == Protocol.HTTP) {
            if (node.isPresent()) {
                node.reject("no relay on an http listener; it is a tcp listener setting");
            }
            return RelayMode.BUFFERED;
        }
        RelayMode relay = node.choice(RelayMode.BUFFERED, RELAY_MODES);
        if (relay == RelayMode.SPLICE && tls) {
            node.reject("buffered on a listener with tls; splice moves bytes the proxy never sees, "
                    + "so it cannot decrypt them");
            return RelayMode.BUFFERED;
        }
        return relay;
    }

    private HostPort bindAddress(ConfigNode node) {
        HostPort bind = node.required(ADDRESS).parsed(null, ADDRESS, HostPort::parse);
        if (bind == null || bind.port() == 0) {
            return bind;
        }
        if (bind.equals(adminBind)) {
            node.reject("an address other than admin.bind");
            return null;
        }
        String first = listenerByBind.putIfAbsent(bind, ConfigErrors.parent(node.path()));
        if (first != null) {
            node.reject("an address of its own; " + first + " binds it too");
            return null;
        }
        return bind;
    }

    private List<RouteConfig> bindRoutes(ConfigNode node, Protocol protocol) {
        if (protocol == Protocol.TCP) {
            if (node.isPresent()) {
                node.reject("no routes on a tcp listener; its cluster key names the one cluster");
            }
            return List.of();
        }
        List<ConfigNode> elements =
                protocol == Protocol.HTTP ? node.nonEmptyElements("at least one route") : node.elements();
        List<RouteConfig> routes = new ArrayList<>();
        for (ConfigNode route : elements) {
            if (!route.isMapping(ROUTE_KEYS)) {
                continue;
            }
            String host = bindRouteHost(route.get("host"));
            String pathPrefix = bindPathPrefix(route.get("pathPrefix"));
            String cluster = bindClusterName(route.get("cluster"));
            if (cluster != null) {
                routes.add(new RouteConfig(host, pathPrefix, cluster));
            }
        }
        return routes;
    }

    private String bindTcpCluster(ConfigNode node, Protocol protocol) {
        if (protocol == Protocol.HTTP) {
            if (node.isPresent()) {
                node.reject("no cluster on an http listener; its routes name the clusters");
            }
            return null;
        }
        if (protocol == null && !node.isPresent()) {
            return null;
        }
        return bindClusterName(node);
    }

    private String bindClusterName(ConfigNode node) {
        List<String> known = clusterNames.all();
        String expected = known.isEmpty()
                ? "the name of a cluster; none is configured"
                : "the name of a cluster: " + String.join(", ", known);
        String cluster = node.required(expected).text(expected);
        if (cluster != null && !clusterNames.contains(cluster) && clusterNames.isComplete()) {
            node.reject(expected);
            return null;
        }
        return cluster;
    }

    private static String bindRouteHost(ConfigNode node) {
        String host = node.text(ROUTE_HOST);
        if (host == null) {
            return null;
        }
        if (!HOST_PATTERN.matcher(host).matches()) {
            node.reject(ROUTE_HOST);
            return null;
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /**
     * A route's path prefix. Requests are matched after their dot segments are resolved and repeated
     * slashes merged, so a prefix holding either could never match; it is refused rather than left
     * dead.
     */
    private static String bindPathPrefix(ConfigNode node) {
        String prefix = bindPath(node, null);
        if (prefix == null) {
            return null;
        }
        int start = 1;
        while (start <= prefix.length()) {
            int slash = prefix.indexOf('/', start);
            int end = slash < 0 ? prefix.length() : slash;
            String segment = prefix.substring(start, end).replace("%2e", ".").replace("%2E", ".");
            if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && slash >= 0)) {
                node.reject(PATH_PREFIX);
                return null;
            }
            start = end + 1;
        }
        return prefix;
    }

    /** A path such as {@code /api}; shared with health checks. */
    static String bindPath(ConfigNode node, String defaultValue) {
        String expected = "a path starting with /";
        String path = node.text(expected);
        if (path == null) {
            return defaultValue;
        }
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#')) {
            node.reject(expected);
            return defaultValue;
        }
        return path;
    }

    private static ListenerTimeouts bindTimeouts(ConfigNode node) {
        if (!node.isMapping(TIMEOUT_KEYS)) {
            return ListenerTimeouts.defaults();
        }
        return new ListenerTimeouts(
                node.get("requestHeader").positiveDuration(ListenerTimeouts.DEFAULT_REQUEST_HEADER),
                node.get("idle").positiveDuration(ListenerTimeouts.DEFAULT_IDLE),
                node.get("client").positiveDuration(ListenerTimeouts.DEFAULT_CLIENT),
                node.get("tunnelIdle").positiveDuration(ListenerTimeouts.DEFAULT_TUNNEL_IDLE));
    }

    private static ListenerLimits bindLimits(ConfigNode node) {
        if (!node.isMapping(LIMIT_KEYS)) {
            return ListenerLimits.defaults();
        }
        return new ListenerLimits(
                (int) node.get("maxRequestLineBytes").size(ListenerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES, MAX_HEAD_BYTES),
                (int) node.get("maxHeaderBytes").size(ListenerLimits.DEFAULT_MAX_HEADER_BYTES, MAX_HEAD_BYTES),
                node.get("maxBodyBytes").size(ListenerLimits.DEFAULT_MAX_BODY_BYTES, Long.MAX_VALUE),
                node.get("maxConnections").integer(ListenerLimits.DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE),
                node.get("pipelinedRequests").integer(ListenerLimits.DEFAULT_PIPELINED_REQUESTS, 1,
                        ListenerLimits.MAX_PIPELINED_REQUESTS));
    }
}
