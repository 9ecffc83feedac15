package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.util.Objects;

/**
 * Where the admin API listens, and the bearer token it asks for.
 *
 * @param token what every admin request but {@code GET /}, {@code /healthz} and {@code /ready} must
 *     bear ({@code Authorization: Bearer <token>}), from {@code admin.token} or {@code admin.tokenFile};
 *     {@code null} when none is configured, which only a loopback {@code bind} allows
 */
public record AdminConfig(HostPort bind, String token) {

    public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 9901);

    public AdminConfig {
        Objects.requireNonNull(bind, "bind");
    }

    /** On {@code bind}, without a token. */
    public AdminConfig(HostPort bind) {
        this(bind, null);
    }

    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_BIND);
    }

    public boolean hasToken() {
        return token != null;
    }

    /** Never shows the token: configurations end up in logs and failure messages. */
    @Override
    public String toString() {
        return "AdminConfig[bind=" + bind + ", token=" + (token == null ? "none" : "(set)") + "]";
    }
}
