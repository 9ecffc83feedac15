package dev.maitre.chaos.maitre;

import dev.maitre.chaos.timing.HealthRules;
import java.time.Duration;
import java.util.List;

/**
 * The configuration file a scenario runs maitre with: one HTTP listener, one cluster of the
 * scenario's backends (their Toxiproxy addresses), the scenario's health rules. The listener and
 * the admin API bind port 0; maitre logs the ports it got.
 *
 * @param responseTimeout {@code timeouts.response}: how long a black-holed request waits before its 504
 * @param perTryTimeout {@code retries.perTryTimeout}, or {@link Duration#ZERO} for none: how long a try
 *     waits for an answer head before the request goes to another backend
 */
public record MaitreConfig(List<String> backendAddresses, HealthRules rules, Duration responseTimeout,
                           Duration perTryTimeout) {

    /** Without a per-try timeout. */
    public MaitreConfig(List<String> backendAddresses, HealthRules rules, Duration responseTimeout) {
        this(backendAddresses, rules, responseTimeout, Duration.ZERO);
    }

    public static final String CLUSTER = "app";
    public static final String LISTENER = "web";

    public String yaml() {
        StringBuilder yaml = new StringBuilder()
                .append("admin:\n  bind: 127.0.0.1:0\n")
                .append("workers: 2\n")
                .append("shutdownGracePeriod: 2s\n")
                .append("listeners:\n")
                .append("  - name: ").append(LISTENER).append('\n')
                .append("    bind: 127.0.0.1:0\n")
                .append("    protocol: http\n")
                .append("    routes:\n")
                .append("      - cluster: ").append(CLUSTER).append('\n')
                .append("clusters:\n")
                .append("  - name: ").append(CLUSTER).append('\n')
                .append("    balancer: round_robin\n")
                .append("    backends:\n");
        for (String address : backendAddresses) {
            yaml.append("      - address: ").append(address).append('\n');
        }
        return yaml.append("    healthCheck: ").append(rules.yaml()).append('\n')
                // connect: a refused connection fails at once on loopback; response: see the record's Javadoc.
                .append("    timeouts: { connect: 1s, response: ").append(responseTimeout.toMillis()).append("ms }\n")
                // Enough to try every other backend of a three-backend cluster.
                .append("    retries: { attempts: 2")
                .append(perTryTimeout.isZero() ? "" : ", perTryTimeout: " + perTryTimeout.toMillis() + "ms")
                .append(" }\n")
                .toString();
    }
}
