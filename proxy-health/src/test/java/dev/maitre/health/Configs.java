package dev.maitre.health;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Configurations for health tests, built in code. */
final class Configs {

    private Configs() {
    }

    static ProxyConfig proxy(ClusterConfig... clusters) {
        return new ProxyConfig(AdminConfig.defaults(), 1, ProxyConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD,
                AccessLogConfig.defaults(), List.of(), Arrays.asList(clusters));
    }

    static ClusterConfig cluster(String name, HealthCheckConfig check, OutlierDetectionConfig outliers,
                                 double panicThreshold, List<HostPort> backends) {
        return new ClusterConfig(name, BalancerKind.ROUND_ROBIN,
                backends.stream().map(BackendConfig::of).toList(), check, outliers,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), panicThreshold);
    }

    static HealthCheckConfig httpCheck(Duration interval, Duration timeout, int unhealthyThreshold,
                                       int healthyThreshold, double jitter) {
        return new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, "/healthz", null,
                StatusRanges.parse("200-399"), interval, timeout, unhealthyThreshold, healthyThreshold, jitter,
                HealthState.HEALTHY);
    }

    /** Interval 10s, timeout 2s, fall after 3, rise after 2, no jitter. */
    static HealthCheckConfig httpCheck() {
        return httpCheck(Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0);
    }

    static OutlierDetectionConfig outliers(int consecutiveFailures, Duration ejectionTime, int maxEjectionPercent) {
        return new OutlierDetectionConfig(consecutiveFailures, ejectionTime, maxEjectionPercent);
    }

    static List<HostPort> addresses(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count)
                .mapToObj(i -> new HostPort("10.0.0." + (10 + i), 8080))
                .toList();
    }
}
