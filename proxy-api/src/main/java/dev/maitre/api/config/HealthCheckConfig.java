package dev.maitre.api.config;

import dev.maitre.api.health.HealthState;
import java.time.Duration;
import java.util.Objects;

/**
 * Active health checking of a cluster's backends.
 *
 * @param path for HTTP checks, the path requested with GET
 * @param host for HTTP and gRPC checks, the Host header (HTTP/2's {@code :authority}) sent; {@code null}
 *     sends the backend's address
 * @param jitter the share (0-0.5) by which each wait between checks is varied, uniformly both ways
 * @param initialState {@link HealthState#HEALTHY} or {@link HealthState#UNHEALTHY}
 * @param grpcService for gRPC checks, the service asked about; empty (the default) asks about the whole
 *     server. Empty for the other protocols.
 */
public record HealthCheckConfig(
        CheckProtocol protocol,
        String path,
        String host,
        StatusRanges expectStatus,
        Duration interval,
        Duration timeout,
        int unhealthyThreshold,
        int healthyThreshold,
        double jitter,
        HealthState initialState,
        String grpcService) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
    public static final double DEFAULT_JITTER = 0.10;
    public static final String DEFAULT_PATH = "/healthz";

    /** How a backend is probed. */
    public enum CheckProtocol {
        /** {@code GET path}, over HTTP/1.1, or over HTTP/2 to a cluster spoken to in HTTP/2. */
        HTTP,
        /** A connection (and the TLS handshake, to a cluster spoken to over TLS). */
        TCP,
        /** The standard gRPC health check, {@code grpc.health.v1.Health/Check}, over HTTP/2. */
        GRPC
    }

    public HealthCheckConfig {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(expectStatus, "expectStatus");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(grpcService, "grpcService");
        if (protocol != CheckProtocol.GRPC && !grpcService.isEmpty()) {
            throw new IllegalArgumentException("grpcService: " + grpcService + " (expected: only with protocol grpc)");
        }
    }

    /** An HTTP or TCP check, or a gRPC check of the whole server. */
    public HealthCheckConfig(CheckProtocol protocol, String path, String host, StatusRanges expectStatus,
                             Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
                             double jitter, HealthState initialState) {
        this(protocol, path, host, expectStatus, interval, timeout, unhealthyThreshold, healthyThreshold, jitter,
                initialState, "");
    }

    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(CheckProtocol.HTTP, DEFAULT_PATH, null, StatusRanges.parse("200-399"),
                DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_UNHEALTHY_THRESHOLD, DEFAULT_HEALTHY_THRESHOLD,
                DEFAULT_JITTER, HealthState.HEALTHY);
    }
}
