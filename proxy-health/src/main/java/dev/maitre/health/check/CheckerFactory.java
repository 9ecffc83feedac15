package dev.maitre.health.check;

import dev.maitre.api.config.HealthCheckConfig;

/** Makes the {@link Checker} for a cluster's health-check configuration. */
@FunctionalInterface
public interface CheckerFactory {

    Checker create(HealthCheckConfig config);
}
