package dev.maitre.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A pool of interchangeable backends.
 *
 * @param healthCheck {@code null} when the cluster is not actively checked
 * @param outlierDetection {@code null} when passive ejection is off
 * @param panicThreshold the share of healthy backends (0-1) under which traffic goes to all
 *     backends; 0 (the default) turns panic routing off
 * @param hashOn what {@code consistent_hash} hashes; {@link HashOn#CLIENT_IP} by default
 * @param slowStart how long a backend that becomes eligible takes to ramp up from 10% of its weight to
 *     all of it, under the weighted balancers; {@link Duration#ZERO} (the default) turns slow start off
 * @param tls how the backends are spoken to over TLS; {@code null} (the default) for clear text
 * @param protocol what HTTP requests are sent to the backends as: HTTP/1.1 (the default), or HTTP/2
 *     over TLS ({@code h2}) or in clear text ({@code h2c})
 * @param proxyProtocol whether each new backend connection starts with a PROXY protocol header naming
 *     the client; {@link ProxyProtocolVersion#OFF} by default
 * @param discovery where backends besides {@code backends} are found while maitre runs; {@code null}
 *     (the default) when the cluster has only the backends it lists
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
        double panicThreshold,
        HashOn hashOn,
        Duration slowStart,
        ClusterTlsConfig tls,
        BackendProtocol protocol,
        ProxyProtocolVersion proxyProtocol,
        DiscoveryConfig discovery) {

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(balancer, "balancer");
        backends = List.copyOf(backends);
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(hashOn, "hashOn");
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("slowStart: " + slowStart + " (expected: >= 0)");
        }
        Objects.requireNonNull(protocol, "protocol");
        if (protocol == BackendProtocol.H2 && (tls == null || !tls.enabled())) {
            throw new IllegalArgumentException("protocol: h2 (expected: with tls; h2c speaks HTTP/2 in clear text)");
        }
        if (protocol == BackendProtocol.H2C && tls != null && tls.enabled()) {
            throw new IllegalArgumentException("protocol: h2c (expected: without tls; h2 speaks HTTP/2 over TLS)");
        }
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
    }

    /** A cluster with only the backends it lists. */
    public ClusterConfig(String name, BalancerKind balancer, List<BackendConfig> backends,
                         HealthCheckConfig healthCheck, OutlierDetectionConfig outlierDetection,
                         ClusterTimeouts timeouts, RetryConfig retries, PoolConfig pool, double panicThreshold,
                         HashOn hashOn, Duration slowStart, ClusterTlsConfig tls, BackendProtocol protocol,
                         ProxyProtocolVersion proxyProtocol) {
        this(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool, panicThreshold,
                hashOn, slowStart, tls, protocol, proxyProtocol, null);
    }

    /** A cluster with only the backends it lists, whose backend connections start with no PROXY header. */
    public ClusterConfig(String name, BalancerKind balancer, List<BackendConfig> backends,
                         HealthCheckConfig healthCheck, OutlierDetectionConfig outlierDetection,
                         ClusterTimeouts timeouts, RetryConfig retries, PoolConfig pool, double panicThreshold,
                         HashOn hashOn, Duration slowStart, ClusterTlsConfig tls, BackendProtocol protocol) {
        this(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool, panicThreshold,
                hashOn, slowStart, tls, protocol, ProxyProtocolVersion.OFF);
    }

    /** A cluster spoken to in HTTP/1.1. */
    public ClusterConfig(String name, BalancerKind balancer, List<BackendConfig> backends,
                         HealthCheckConfig healthCheck, OutlierDetectionConfig outlierDetection,
                         ClusterTimeouts timeouts, RetryConfig retries, PoolConfig pool, double panicThreshold,
                         HashOn hashOn, Duration slowStart, ClusterTlsConfig tls) {
        this(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool, panicThreshold,
                hashOn, slowStart, tls, BackendProtocol.HTTP1);
    }

    /** A cluster spoken to in clear text. */
    public ClusterConfig(String name, BalancerKind balancer, List<BackendConfig> backends,
                         HealthCheckConfig healthCheck, OutlierDetectionConfig outlierDetection,
                         ClusterTimeouts timeouts, RetryConfig retries, PoolConfig pool, double panicThreshold,
                         HashOn hashOn, Duration slowStart) {
        this(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool, panicThreshold,
                hashOn, slowStart, null);
    }

    /** A cluster that hashes on the client's IP (if it hashes at all) and has no slow start. */
    public ClusterConfig(String name, BalancerKind balancer, List<BackendConfig> backends,
                         HealthCheckConfig healthCheck, OutlierDetectionConfig outlierDetection,
                         ClusterTimeouts timeouts, RetryConfig retries, PoolConfig pool, double panicThreshold) {
        this(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool, panicThreshold,
                HashOn.CLIENT_IP, Duration.ZERO);
    }

    /** A round-robin cluster with default timeouts, retries and pool, and no health checks. */
    public static ClusterConfig of(String name, List<BackendConfig> backends) {
        return new ClusterConfig(name, BalancerKind.ROUND_ROBIN, backends, null, null,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), PoolConfig.defaults(), 0);
    }

    /** This cluster with another balancer, hashing on {@code hashOn}, with {@code slowStart}. */
    public ClusterConfig withBalancing(BalancerKind kind, HashOn hashOn, Duration slowStart) {
        return new ClusterConfig(name, kind, backends, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tls, protocol, proxyProtocol, discovery);
    }

    /** This cluster spoken to in {@code value} (with TLS already set as {@code h2} needs it). */
    public ClusterConfig withProtocol(BackendProtocol value) {
        return withTransport(tls, value);
    }

    /** This cluster spoken to in {@code value} over {@code tlsValue} (which must fit each other). */
    public ClusterConfig withTransport(ClusterTlsConfig tlsValue, BackendProtocol value) {
        return new ClusterConfig(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tlsValue, value, proxyProtocol, discovery);
    }

    /** This cluster spoken to over TLS as {@code tls} says, or in clear text when {@code tls} is null. */
    public ClusterConfig withTls(ClusterTlsConfig tls) {
        return new ClusterConfig(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tls, protocol, proxyProtocol, discovery);
    }

    /** This cluster opening each backend connection with a PROXY protocol header of {@code version}. */
    public ClusterConfig withProxyProtocol(ProxyProtocolVersion version) {
        return new ClusterConfig(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tls, protocol, version, discovery);
    }

    /** This cluster finding backends as {@code value} says, or only listing them when {@code value} is null. */
    public ClusterConfig withDiscovery(DiscoveryConfig value) {
        return new ClusterConfig(name, balancer, backends, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tls, protocol, proxyProtocol, value);
    }

    /** This cluster with {@code value} as its backends. */
    public ClusterConfig withBackends(List<BackendConfig> value) {
        return new ClusterConfig(name, balancer, value, healthCheck, outlierDetection, timeouts, retries, pool,
                panicThreshold, hashOn, slowStart, tls, protocol, proxyProtocol, discovery);
    }

    /** Whether the backends are spoken to over TLS. */
    public boolean tlsEnabled() {
        return tls != null && tls.enabled();
    }
}
