package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.util.Objects;

/** One backend of a cluster. */
public record BackendConfig(HostPort address, int weight) {

    public BackendConfig {
        Objects.requireNonNull(address, "address");
    }

    public static BackendConfig of(HostPort address) {
        return new BackendConfig(address, 1);
    }
}
