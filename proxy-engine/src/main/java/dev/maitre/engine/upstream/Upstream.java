package dev.maitre.engine.upstream;

import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.pool.BackendConnector;
import dev.maitre.engine.pool.BackendPools;

/**
 * What every listener of an engine shares on its way to backends: which backends may get new
 * requests, where outcomes go, how many requests each backend serves, how connections are opened and
 * the HTTP keep-alive pools. One per engine; immutable.
 */
public record Upstream(HealthView health, OutcomeListener outcomes, ActiveRequests activeRequests,
                       BackendConnector connector, BackendPools pools) {
}
