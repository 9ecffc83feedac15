package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds {@code clusters[]}: backends, balancer, health checks, outlier detection, timeouts, retries, pool
 * TLS to the backends and the PROXY protocol header sent to them.
 */
final class ClusterBinder {

    private static final List<String> KEYS = List.of("name", "balancer", "backends", "healthCheck",
            "outlierDetection", "timeouts", "retries", "pool", "panicThreshold", "hashOn", "slowStart", "tls",
            "protocol", "proxyProtocol", "discovery");
    private static final List<String> BACKEND_KEYS = List.of("address", "weight");
    private static final List<String> OUTLIER_KEYS =
            List.of("consecutiveFailures", "ejectionTime", "maxEjectionPercent");
    private static final List<String> TIMEOUT_KEYS = List.of("connect", "response");
    private static final List<String> RETRY_KEYS = List.of("attempts", "nonIdempotent", "perTryTimeout");
    private static final List<String> POOL_KEYS = List.of("maxIdle", "idleTimeout");

    private static final Map<String, BalancerKind> BALANCERS = new LinkedHashMap<>();
    private static final Map<String, BackendProtocol> PROTOCOLS = new LinkedHashMap<>();
    private static final Map<String, ProxyProtocolVersion> PROXY_PROTOCOLS = new LinkedHashMap<>();

    static {
        for (BalancerKind kind : BalancerKind.values()) {
            BALANCERS.put(kind.configName(), kind);
        }
        for (BackendProtocol protocol : BackendProtocol.values()) {
            PROTOCOLS.put(protocol.configName(), protocol);
        }
        for (ProxyProtocolVersion version : ProxyProtocolVersion.values()) {
            PROXY_PROTOCOLS.put(version.configName(), version);
        }
    }

    private static final String ADDRESS = "an address such as 10.0.0.11:8080";
    static final int MAX_WEIGHT = 1000;

    private final UniqueNames names = new UniqueNames();
    private final Path baseDir;

    /** @param baseDir what relative TLS file names are resolved against */
    ClusterBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    List<ClusterConfig> bindAll(ConfigNode clusters) {
        List<ClusterConfig> bound = new ArrayList<>();
        for (ConfigNode node : clusters.nonEmptyElements("at least one cluster")) {
            ClusterConfig cluster = bind(node);
            if (cluster != null) {
                bound.add(cluster);
            }
        }
        return bound;
    }

    /** The names of the clusters seen, valid or not. */
    UniqueNames names() {
        return names;
    }

    private ClusterConfig bind(ConfigNode node) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        String name = names.bind(node.get("name"));
        BalancerKind balancer = node.get("balancer").choice(BalancerKind.ROUND_ROBIN, BALANCERS);
        DiscoveryConfig discovery = DiscoveryBinder.bind(node.get("discovery"));
        List<BackendConfig> backends = bindBackends(node.get("backends"), node.get("discovery").isPresent());
        HealthCheckConfig healthCheck = HealthCheckBinder.bind(node.get("healthCheck"));
        OutlierDetectionConfig outlierDetection = bindOutlierDetection(node.get("outlierDetection"));
        ClusterTimeouts timeouts = bindTimeouts(node.get("timeouts"));
        RetryConfig retries = bindRetries(node.get("retries"), timeouts);
        PoolConfig pool = bindPool(node.get("pool"));
        double panicThreshold = node.get("panicThreshold").percentage(0, 1.0);
        HashOn hashOn = bindHashOn(node.get("hashOn"), balancer);
        Duration slowStart = bindSlowStart(node.get("slowStart"), balancer);
        ClusterTlsConfig tls = ClusterTlsBinder.bind(node.get("tls"), baseDir);
        BackendProtocol protocol = bindProtocol(node.get("protocol"), tls);
        HealthCheckBinder.checkTransport(node.get("healthCheck"), healthCheck, protocol);
        ProxyProtocolVersion proxyProtocol = bindProxyProtocol(node.get("proxyProtocol"));
        if (name == null) {
            return null;
        }
        return new ClusterConfig(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries,
                pool, panicThreshold, hashOn, slowStart, tls, protocol != null ? protocol : BackendProtocol.HTTP1,
                proxyProtocol, discovery);
    }

    /** YAML 1.1 reads a bare {@code off} as {@code false}, so that means off too. */
    private static ProxyProtocolVersion bindProxyProtocol(ConfigNode node) {
        if (node.isFalse()) {
            return ProxyProtocolVersion.OFF;
        }
        return node.choice(ProxyProtocolVersion.OFF, PROXY_PROTOCOLS);
    }

    private static HashOn bindHashOn(ConfigNode node, BalancerKind balancer) {
        HashOn hashOn = node.parsed(HashOn.CLIENT_IP, HashOn.EXPECTED, HashOn::parse);
        if (node.isPresent() && balancer != BalancerKind.CONSISTENT_HASH) {
            // a key that would silently do nothing is as misleading as an unknown one
            node.reject("only with balancer: consistent_hash");
            return HashOn.CLIENT_IP;
        }
        return hashOn;
    }

    private static Duration bindSlowStart(ConfigNode node, BalancerKind balancer) {
        Duration slowStart = node.duration(Duration.ZERO);
        if (node.isPresent() && !balancer.supportsSlowStart()) {
            node.reject("only with balancer: weighted_round_robin, least_connections, power_of_two or random");
            return Duration.ZERO;
        }
        return slowStart;
    }

    /** The backends listed; with {@code discovery} there may be none, since discovery finds them. */
    private static List<BackendConfig> bindBackends(ConfigNode node, boolean discovery) {
        List<BackendConfig> backends = new ArrayList<>();
        Map<HostPort, String> backendByAddress = new HashMap<>();
        List<ConfigNode> listed = discovery ? node.elements()
                : node.nonEmptyElements("at least one backend");
        for (ConfigNode backend : listed) {
            if (!backend.isMapping(BACKEND_KEYS)) {
                continue;
            }
            ConfigNode addressNode = backend.get("address");
            HostPort address = addressNode.required(ADDRESS).parsed(null, ADDRESS, ClusterBinder::parseAddress);
            int weight = backend.get("weight").integer(1, 1, MAX_WEIGHT);
            if (address == null) {
                continue;
            }
            String first = backendByAddress.putIfAbsent(address, backend.path());
            if (first != null) {
                addressNode.reject("an address of its own; " + first + " has it too");
                continue;
            }
            backends.add(new BackendConfig(address, weight));
        }
        return backends;
    }

    /** A backend's address: unlike a listener's, its port cannot be 0. */
    private static HostPort parseAddress(String text) {
        String expected = " (expected: host:port with a port of 1-65535)";
        HostPort address;
        try {
            address = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(text + expected, e);
        }
        if (address.port() == 0) {
            throw new IllegalArgumentException(text + expected);
        }
        return address;
    }

    private static OutlierDetectionConfig bindOutlierDetection(ConfigNode node) {
        if (!node.isMapping(OUTLIER_KEYS)) {
            return null;
        }
        return new OutlierDetectionConfig(
                node.get("consecutiveFailures").integer(
                        OutlierDetectionConfig.DEFAULT_CONSECUTIVE_FAILURES, 1, Integer.MAX_VALUE),
                node.get("ejectionTime").positiveDuration(OutlierDetectionConfig.DEFAULT_EJECTION_TIME),
                node.get("maxEjectionPercent").integer(OutlierDetectionConfig.DEFAULT_MAX_EJECTION_PERCENT, 0, 100));
    }

    private static ClusterTimeouts bindTimeouts(ConfigNode node) {
        if (!node.isMapping(TIMEOUT_KEYS)) {
            return ClusterTimeouts.defaults();
        }
        Duration connect = node.get("connect").positiveDuration(ClusterTimeouts.DEFAULT_CONNECT);
        Duration response = node.get("response").positiveDuration(ClusterTimeouts.DEFAULT_RESPONSE);
        return new ClusterTimeouts(connect, response);
    }

    private static RetryConfig bindRetries(ConfigNode node, ClusterTimeouts timeouts) {
        if (!node.isMapping(RETRY_KEYS)) {
            return RetryConfig.defaults();
        }
        ConfigNode perTry = node.get("perTryTimeout");
        Duration perTryTimeout = perTry.isPresent() ? perTry.positiveDuration(Duration.ZERO) : Duration.ZERO;
        if (perTry.isPresent() && perTryTimeout.compareTo(timeouts.response()) >= 0) {
            // a try that may last as long as the whole request would never be cut short
            perTry.reject("< timeouts.response " + Durations.format(timeouts.response()));
            perTryTimeout = Duration.ZERO;
        }
        return new RetryConfig(node.get("attempts").integer(RetryConfig.DEFAULT_ATTEMPTS, 0, RetryConfig.MAX_ATTEMPTS),
                node.get("nonIdempotent").bool(false), perTryTimeout);
    }

    private static PoolConfig bindPool(ConfigNode node) {
        if (!node.isMapping(POOL_KEYS)) {
            return PoolConfig.defaults();
        }
        return new PoolConfig(
                node.get("maxIdle").integer(PoolConfig.DEFAULT_MAX_IDLE, 0, Integer.MAX_VALUE),
                node.get("idleTimeout").positiveDuration(PoolConfig.DEFAULT_IDLE_TIMEOUT));
    }

    /**
     * {@code h2} needs the cluster's {@code tls} (ALPN chooses HTTP/2 in its handshake), {@code h2c} its
     * absence; {@code null} when the value was rejected.
     */
    private static BackendProtocol bindProtocol(ConfigNode node, ClusterTlsConfig tls) {
        if (!node.isPresent()) {
            return BackendProtocol.HTTP1;
        }
        BackendProtocol protocol = node.choice(null, PROTOCOLS);
        if (protocol == null) {
            return null;
        }
        boolean tlsOn = tls != null && tls.enabled();
        if (protocol == BackendProtocol.H2 && !tlsOn) {
            node.reject("h2 with tls (HTTP/2 over TLS, chosen by ALPN); h2c for HTTP/2 in clear text");
            return null;
        }
        if (protocol == BackendProtocol.H2C && tlsOn) {
            node.reject("h2c without tls (HTTP/2 in clear text); h2 for HTTP/2 over TLS");
            return null;
        }
        return protocol;
    }
}
