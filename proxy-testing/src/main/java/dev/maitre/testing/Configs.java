package dev.maitre.testing;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Small configurations for tests, built in code. */
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

    /** {@code clusters} with no listener and one worker: what the health monitor reads. */
    public static ProxyConfig proxy(ClusterConfig... clusters) {
        return new ProxyConfig(AdminConfig.defaults(), 1, ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD,
                AccessLogConfig.defaults(), List.of(), Arrays.asList(clusters));
    }

    /** A round-robin cluster of {@code backends}, each weight 1, without health checks. */
    public static ClusterConfig cluster(String name, String... backends) {
        return ClusterConfig.of(name, Arrays.stream(backends).map(HostPort::parse).map(BackendConfig::of).toList());
    }

    /** A round-robin cluster of {@code backends} with the given health rules; {@code check} and {@code outliers} may be null. */
    public static ClusterConfig cluster(String name, HealthCheckConfig check, OutlierDetectionConfig outliers,
                                        double panicThreshold, List<HostPort> backends) {
        return new ClusterConfig(name, BalancerKind.ROUND_ROBIN,
                backends.stream().map(BackendConfig::of).toList(), check, outliers,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), panicThreshold);
    }

    /** {@code cluster} with {@code check} as its health check. */
    public static ClusterConfig checked(ClusterConfig cluster, HealthCheckConfig check) {
        return new ClusterConfig(cluster.name(), cluster.balancer(), cluster.backends(), check,
                cluster.outlierDetection(), cluster.timeouts(), cluster.retries(), cluster.pool(),
                cluster.panicThreshold());
    }

    /** HTTP checks of {@code /healthz} expecting 200-399, backends starting healthy. */
    public static HealthCheckConfig httpCheck(Duration interval, Duration timeout, int unhealthyThreshold,
                                              int healthyThreshold, double jitter) {
        return new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, "/healthz", null,
                StatusRanges.parse("200-399"), interval, timeout, unhealthyThreshold, healthyThreshold, jitter,
                HealthState.HEALTHY);
    }

    /** DESIGN's defaults without jitter: interval 10s, timeout 2s, fall after 3, rise after 2. */
    public static HealthCheckConfig httpCheck() {
        return httpCheck(Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0);
    }

    public static OutlierDetectionConfig outliers(int consecutiveFailures, Duration ejectionTime,
                                                  int maxEjectionPercent) {
        return new OutlierDetectionConfig(consecutiveFailures, ejectionTime, maxEjectionPercent);
    }

    /** {@code count} addresses 10.0.0.11:8080, 10.0.0.12:8080, ...: for tests that never connect. */
    public static List<HostPort> addresses(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> new HostPort("10.0.0." + (10 + i), 8080)).toList();
    }
}
