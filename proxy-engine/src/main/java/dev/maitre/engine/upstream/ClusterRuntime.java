package dev.maitre.engine.upstream;

import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.engine.pool.BackendTls;

/**
 * A cluster as the data plane uses it: its configuration, its one balancer, and its client TLS
 * ({@code null} when its backends are spoken to in clear text).
 */
public record ClusterRuntime(ClusterConfig config, LoadBalancer balancer, BackendTls tls) {

    public ClusterRuntime {
        if (config.tlsEnabled() != (tls != null)) {
            throw new IllegalArgumentException("cluster " + config.name() + ": tls " + (tls != null ? "given" : "missing")
                    + " (expected: a client TLS context exactly when tls is enabled)");
        }
    }

    /** A cluster spoken to in clear text. */
    public ClusterRuntime(ClusterConfig config, LoadBalancer balancer) {
        this(config, balancer, null);
    }

    public String name() {
        return config.name();
    }
}
