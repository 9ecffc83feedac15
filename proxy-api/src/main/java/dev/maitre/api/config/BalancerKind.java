package dev.maitre.api.config;

import java.util.Locale;

/** The balancers a cluster can name, by their configuration names. */
public enum BalancerKind {
    ROUND_ROBIN,
    WEIGHTED_ROUND_ROBIN,
    LEAST_CONNECTIONS,
    POWER_OF_TWO,
    RANDOM,
    CONSISTENT_HASH;

    /** The name used in configuration, such as {@code round_robin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a backend's weight can be ramped up under this balancer: round robin ignores weights, and
     * consistent hashing keeps a key on its backend whatever the load.
     */
    public boolean supportsSlowStart() {
        return this != ROUND_ROBIN && this != CONSISTENT_HASH;
    }

    /** The kind named {@code name} in configuration, or {@code null}. */
    public static BalancerKind fromConfigName(String name) {
        for (BalancerKind kind : values()) {
            if (kind.configName().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
