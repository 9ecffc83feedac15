package dev.maitre.api.config;

/**
 * The access log: one line per request, written to the {@code maitre.access} logger. Off by default.
 */
public record AccessLogConfig(boolean enabled) {

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(false);
    }
}
