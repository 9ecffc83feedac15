package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Backends named by DNS: the A and AAAA records of {@code name}, each address with {@code port}, or
 * the SRV records of {@code srv}, each target with the record's port and weight. The name is
 * resolved again when its records' TTL has passed, but never sooner than {@code minRefresh} nor later
 * than {@code maxRefresh} after the previous answer.
 *
 * @param name the name whose A and AAAA records are the backends; {@code null} with {@code srv}
 * @param port the backends' port with {@code name}; 0 with {@code srv}
 * @param srv the name whose SRV records are the backends; {@code null} with {@code name}
 * @param resolvers the DNS servers asked, in order; empty for the system's ({@code /etc/resolv.conf})
 */
public record DnsDiscoveryConfig(String name, int port, String srv, Duration minRefresh, Duration maxRefresh,
                                 List<HostPort> resolvers) {

    public static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_REFRESH = Duration.ofSeconds(30);

    public DnsDiscoveryConfig {
        if ((name == null) == (srv == null)) {
            throw new IllegalArgumentException("name: " + name + ", srv: " + srv + " (expected: one of them)");
        }
        if (name != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535 with name)");
        }
        if (srv != null && port != 0) {
            throw new IllegalArgumentException("port: " + port + " (expected: none with srv)");
        }
        Objects.requireNonNull(minRefresh, "minRefresh");
        Objects.requireNonNull(maxRefresh, "maxRefresh");
        if (minRefresh.isNegative() || minRefresh.isZero()) {
            throw new IllegalArgumentException("minRefresh: " + minRefresh + " (expected: > 0)");
        }
        if (maxRefresh.compareTo(minRefresh) < 0) {
            throw new IllegalArgumentException("maxRefresh: " + maxRefresh + " (expected: >= minRefresh)");
        }
        resolvers = List.copyOf(resolvers);
    }

    /** The A and AAAA records of {@code name} with {@code port}, default bounds, the system's resolvers. */
    public static DnsDiscoveryConfig ofName(String name, int port) {
        return new DnsDiscoveryConfig(name, port, null, DEFAULT_MIN_REFRESH, DEFAULT_MAX_REFRESH, List.of());
    }

    /** The SRV records of {@code srv}, default bounds, the system's resolvers. */
    public static DnsDiscoveryConfig ofSrv(String srv) {
        return new DnsDiscoveryConfig(null, 0, srv, DEFAULT_MIN_REFRESH, DEFAULT_MAX_REFRESH, List.of());
    }

    /** This discovery with other refresh bounds. */
    public DnsDiscoveryConfig withRefresh(Duration min, Duration max) {
        return new DnsDiscoveryConfig(name, port, srv, min, max, resolvers);
    }

    /** The name looked up, for logs: {@code name:port} or {@code SRV srv}. */
    public String describe() {
        return srv != null ? "SRV " + srv : name + ":" + port;
    }

    /** The refresh interval after records of {@code ttl}: the TTL clamped into [minRefresh, maxRefresh]. */
    public Duration refreshAfter(Duration ttl) {
        if (ttl.compareTo(minRefresh) < 0) {
            return minRefresh;
        }
        return ttl.compareTo(maxRefresh) > 0 ? maxRefresh : ttl;
    }
}
