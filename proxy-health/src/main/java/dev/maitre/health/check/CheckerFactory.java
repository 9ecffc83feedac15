package dev.maitre.health.check;

import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ProxyProtocolVersion;

/** Makes the {@link Checker} for a cluster's health-check configuration. */
@FunctionalInterface
public interface CheckerFactory {

    /** A checker that speaks to the backends in clear text. */
    Checker create(HealthCheckConfig config);

    /**
     * A checker that speaks to the backends over {@code tls}, or in clear text when it is null. Factories
     * whose checkers open no connection (test doubles) may leave this as it is.
     */
    default Checker create(HealthCheckConfig config, CheckTls tls) {
        return create(config);
    }

    /**
     * A checker for the backends of a cluster spoken to in {@code protocol}, over {@code tls} or in clear
     * text when it is null: HTTP checks of a cluster spoken to in HTTP/2 are sent as HTTP/2, since its
     * backends may speak nothing else. Factories whose checkers open no connection may leave this as it is.
     */
    default Checker create(HealthCheckConfig config, CheckTls tls, BackendProtocol protocol) {
        return create(config, tls);
    }

    /**
     * A checker as {@link #create(HealthCheckConfig, CheckTls, BackendProtocol)} makes, whose connections
     * open with a PROXY header of {@code proxyProtocol} (one that names no client: v2 {@code LOCAL}, v1
     * {@code PROXY UNKNOWN}) when the cluster sends one, since its backends may require it. Factories
     * whose checkers open no connection may leave this as it is.
     */
    default Checker create(HealthCheckConfig config, CheckTls tls, BackendProtocol protocol,
                           ProxyProtocolVersion proxyProtocol) {
        return create(config, tls, protocol);
    }
}
