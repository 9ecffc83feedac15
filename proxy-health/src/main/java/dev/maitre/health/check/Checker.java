package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import java.util.concurrent.CompletableFuture;

/** Probes backends the way one cluster's {@code healthCheck} says. */
@FunctionalInterface
public interface Checker {

    /**
     * Starts one check of {@code backend} and returns at once. The future always completes, normally,
     * within the configured timeout (a check that gets no answer in time fails with
     * {@code timeout after ...}); it may complete on another thread.
     */
    CompletableFuture<CheckResult> check(HostPort backend);

    /**
     * What a check of a cluster spoken to in {@code protocol} does, for the log:
     * {@code http GET /healthz expecting 200-399}, {@code http/2 GET /healthz expecting 200-399},
     * {@code grpc health check of the whole server}, {@code tcp connect}.
     */
    static String describe(HealthCheckConfig check, BackendProtocol protocol) {
        return switch (check.protocol()) {
            case HTTP -> (protocol.http2() ? "http/2" : "http") + " GET " + check.path() + " expecting "
                    + check.expectStatus();
            case GRPC -> "grpc health check of " + (check.grpcService().isEmpty()
                    ? "the whole server" : "service " + check.grpcService());
            case TCP -> "tcp connect";
        };
    }
}
