package dev.maitre.server;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import java.util.Arrays;
import java.util.List;

/** Small configurations for tests. */
public final class Configs {

    private Configs() {
    }

    /** One HTTP listener {@code web} on 127.0.0.1:8080 routing everything to the first cluster. */
    public static ProxyConfig withClusters(ClusterConfig... clusters) {
        ListenerConfig web = ListenerConfig.http("web", new HostPort("127.0.0.1", 8080),
                List.of(RouteConfig.catchAll(clusters[0].name())));
        return new ProxyConfig(AdminConfig.defaults(), 2, ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD,
                AccessLogConfig.defaults(), List.of(web), Arrays.asList(clusters));
    }

    /** A round-robin cluster of {@code backends}, each weight 1, without health checks. */
    public static ClusterConfig cluster(String name, String... backends) {
        return ClusterConfig.of(name, Arrays.stream(backends).map(HostPort::parse).map(BackendConfig::of).toList());
    }

    /** {@code cluster} with {@code check} as its health check. */
    public static ClusterConfig checked(ClusterConfig cluster, HealthCheckConfig check) {
        return new ClusterConfig(cluster.name(), cluster.balancer(), cluster.backends(), check,
                cluster.outlierDetection(), cluster.timeouts(), cluster.retries(), cluster.pool(),
                cluster.panicThreshold());
    }
}
