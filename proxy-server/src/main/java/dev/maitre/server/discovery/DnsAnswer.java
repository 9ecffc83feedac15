package dev.maitre.server.discovery;

import dev.maitre.api.config.BackendConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one lookup of a cluster's records found.
 *
 * @param backends the backends the records name, sorted by address; empty unless {@link Result#OK}
 * @param ttl the shortest TTL among the records used; zero when there were none
 * @param problem what went wrong, for the log; {@code null} when OK
 */
record DnsAnswer(Result result, List<BackendConfig> backends, Duration ttl, String problem) {

    /** How a lookup ended, as {@code maitre_discovery_resolutions_total} counts it. */
    enum Result {
        /** Records naming at least one backend. */
        OK,
        /** The name does not exist or has no records of the kind asked. */
        EMPTY,
        /** No answer (timeout, unreachable server) or an error answer (SERVFAIL, REFUSED). */
        FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    DnsAnswer {
        backends = List.copyOf(backends);
    }

    static DnsAnswer ok(List<BackendConfig> backends, Duration ttl) {
        return new DnsAnswer(Result.OK, backends, ttl, null);
    }

    static DnsAnswer empty(String why) {
        return new DnsAnswer(Result.EMPTY, List.of(), Duration.ZERO, why);
    }

    static DnsAnswer failed(String why) {
        return new DnsAnswer(Result.FAILED, List.of(), Duration.ZERO, why);
    }
}
