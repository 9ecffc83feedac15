package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.util.Objects;

/** Where the admin API listens. */
public record AdminConfig(HostPort bind) {

    public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        Objects.requireNonNull(bind, "bind");
    }

    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_BIND);
    }
}
