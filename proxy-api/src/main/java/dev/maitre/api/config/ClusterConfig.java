package dev.maitre.api.config;

import java.util.List;
import java.util.Objects;

/**
 * A pool of interchangeable backends.
 *
 * @param healthCheck {@code null} when the cluster is not actively checked
 * @param outlierDetection {@code null} when passive ejection is off
 * @param panicThreshold the share of healthy backends (0-1) under which traffic goes to all
 *     backends; 0 (the default) turns panic routing off
 */
public record ClusterConfig(
        String name,
        BalancerKind balancer,
        List<BackendConfig> backends,
        HealthCheckConfig healthCheck,
        OutlierDetectionConfig outlierDetection,
        ClusterTimeouts timeouts,
        RetryConfig retries,
        PoolConfig pool,
        double panicThreshold) {

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balancer, "balancer");
        backends = List.copyOf(backends);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(pool, "pool");
    }

    /** A round-robin cluster with default timeouts, retries and pool, and no health checks. */
    public static ClusterConfig of(String name, List<BackendConfig> backends) {
        return new ClusterConfig(name, BalancerKind.ROUND_ROBIN, backends, null, null,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), 0);
    }
}
