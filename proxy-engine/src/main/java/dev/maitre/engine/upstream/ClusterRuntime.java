package dev.maitre.engine.upstream;

import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.ClusterConfig;

/** A cluster as the data plane uses it: its configuration and its one balancer. */
public record ClusterRuntime(ClusterConfig config, LoadBalancer balancer) {

    public String name() {
        return config.name();
    }
}
