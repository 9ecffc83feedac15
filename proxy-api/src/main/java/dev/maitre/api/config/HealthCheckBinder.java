package dev.maitre.api.config;

import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds a cluster's {@code healthCheck}. Absent means no active checks; {@code healthCheck: {}} means
 * checks with every default.
 */
final class HealthCheckBinder {

    private static final List<String> KEYS = List.of("protocol", "path", "host", "expectStatus", "interval",
            "timeout", "unhealthyThreshold", "healthyThreshold", "jitter", "initialState", "grpcService");
    private static final List<String> HTTP_ONLY_KEYS = List.of("path", "host", "expectStatus");

    private static final Map<String, CheckProtocol> PROTOCOLS = new LinkedHashMap<>();
    private static final Map<String, HealthState> INITIAL_STATES = new LinkedHashMap<>();

    static {
        PROTOCOLS.put("http", CheckProtocol.HTTP);
        PROTOCOLS.put("tcp", CheckProtocol.TCP);
        PROTOCOLS.put("grpc", CheckProtocol.GRPC);
        INITIAL_STATES.put("healthy", HealthState.HEALTHY);
        INITIAL_STATES.put("unhealthy", HealthState.UNHEALTHY);
    }

    private static final StatusRanges DEFAULT_EXPECT_STATUS = StatusRanges.parse("200-399");
    private static final String HOST = "a host name such as api.example.com, with an optional :port";
    private static final String GRPC_SERVICE = "a gRPC service name such as my.package.Service";
    private static final Pattern HOST_PATTERN =
            Pattern.compile("([A-Za-z0-9_.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");
    static final double MAX_JITTER = 0.5;

    private HealthCheckBinder() {
    }

    /** The checks configured at {@code node}, or {@code null} when it is absent or not a mapping. */
    static HealthCheckConfig bind(ConfigNode node) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        CheckProtocol protocol = node.get("protocol").choice(CheckProtocol.HTTP, PROTOCOLS);
        String path = HealthCheckConfig.DEFAULT_PATH;
        String host = null;
        StatusRanges expectStatus = DEFAULT_EXPECT_STATUS;
        switch (protocol) {
            case HTTP -> {
                path = ListenerBinder.bindPath(node.get("path"), HealthCheckConfig.DEFAULT_PATH);
                host = bindHost(node.get("host"));
                expectStatus = node.get("expectStatus")
                        .parsed(DEFAULT_EXPECT_STATUS, "status codes such as 200-399 or 200,204", StatusRanges::parse);
            }
            case GRPC -> {
                rejectIfPresent(node.get("path"), "no path on a grpc check");
                host = bindHost(node.get("host"));
                rejectIfPresent(node.get("expectStatus"), "no expectStatus on a grpc check");
            }
            case TCP -> {
                for (String key : HTTP_ONLY_KEYS) {
                    rejectIfPresent(node.get(key), "no " + key + " on a tcp check");
                }
            }
        }
        String grpcService = "";
        if (protocol == CheckProtocol.GRPC) {
            grpcService = bindGrpcService(node.get("grpcService"));
        } else {
            rejectIfPresent(node.get("grpcService"), "only with protocol: grpc");
        }
        ConfigNode intervalNode = node.get("interval");
        ConfigNode timeoutNode = node.get("timeout");
        // null when given but invalid (already reported), so that it is not compared with the other
        Duration interval = intervalNode.isPresent()
                ? intervalNode.positiveDuration(null) : HealthCheckConfig.DEFAULT_INTERVAL;
        Duration timeout = timeoutNode.isPresent()
                ? timeoutNode.positiveDuration(null) : HealthCheckConfig.DEFAULT_TIMEOUT;
        if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
            if (timeoutNode.isPresent()) {
                timeoutNode.reject("< interval " + Durations.format(interval));
            } else {
                intervalNode.reject("> timeout " + Durations.format(timeout));
            }
        }
        return new HealthCheckConfig(protocol, path, host, expectStatus,
                interval != null ? interval : HealthCheckConfig.DEFAULT_INTERVAL,
                timeout != null ? timeout : HealthCheckConfig.DEFAULT_TIMEOUT,
                node.get("unhealthyThreshold").integer(
                        HealthCheckConfig.DEFAULT_UNHEALTHY_THRESHOLD, 1, Integer.MAX_VALUE),
                node.get("healthyThreshold").integer(HealthCheckConfig.DEFAULT_HEALTHY_THRESHOLD, 1, Integer.MAX_VALUE),
                node.get("jitter").percentage(HealthCheckConfig.DEFAULT_JITTER, MAX_JITTER),
                node.get("initialState").choice(HealthState.HEALTHY, INITIAL_STATES),
                grpcService);
    }

    /**
     * Refuses a gRPC check of a cluster spoken to in HTTP/1.1: gRPC runs over HTTP/2 only, so the check
     * could never pass. {@code protocol} is {@code null} when the cluster's was invalid (already reported).
     */
    static void checkTransport(ConfigNode node, HealthCheckConfig check, BackendProtocol protocol) {
        if (check != null && check.protocol() == CheckProtocol.GRPC && protocol == BackendProtocol.HTTP1) {
            node.get("protocol").reject("http or tcp; a gRPC service is reached over HTTP/2: "
                    + "set the cluster's protocol to h2c or h2");
        }
    }

    private static void rejectIfPresent(ConfigNode node, String expected) {
        if (node.isPresent()) {
            node.reject(expected);
        }
    }

    /** Any name a server may register; control characters would break the lines of logs and events. */
    private static String bindGrpcService(ConfigNode node) {
        String service = node.text(GRPC_SERVICE);
        if (service == null) {
            return "";
        }
        if (service.chars().anyMatch(Character::isISOControl)) {
            node.reject(GRPC_SERVICE);
            return "";
        }
        return service;
    }

    private static String bindHost(ConfigNode node) {
        String host = node.text(HOST);
        if (host != null && !HOST_PATTERN.matcher(host).matches()) {
            node.reject(HOST);
            return null;
        }
        return host;
    }
}
