package dev.maitre.engine.balance;

import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;

/** Creates the balancer a cluster's configuration names. */
public final class Balancers {

    private Balancers() {
    }

    /** Each endpoint in turn. */
    public static LoadBalancer roundRobin() {
        return new RoundRobinBalancer();
    }

    /**
     * A new balancer of {@code kind}.
     *
     * @throws IllegalArgumentException for a kind this version does not provide yet
     */
    public static LoadBalancer create(BalancerKind kind) {
        if (kind == BalancerKind.ROUND_ROBIN) {
            return roundRobin();
        }
        throw new IllegalArgumentException("balancer: " + kind.configName()
                + " (expected: round_robin; the other balancers are not available in this version)");
    }
}
