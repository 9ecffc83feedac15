package dev.maitre.api.config;

import java.util.Objects;

/**
 * Where a cluster finds backends besides those it lists: {@code clusters[].discovery}. The backends
 * found are added to the listed ones while maitre runs.
 *
 * @param dns backends named by DNS records
 */
public record DiscoveryConfig(DnsDiscoveryConfig dns) {

    public DiscoveryConfig {
        Objects.requireNonNull(dns, "dns");
    }

    public static DiscoveryConfig dns(DnsDiscoveryConfig dns) {
        return new DiscoveryConfig(dns);
    }
}
