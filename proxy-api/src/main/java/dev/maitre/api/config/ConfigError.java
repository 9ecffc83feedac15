package dev.maitre.api.config;

import java.util.Objects;

/**
 * One problem in a configuration: the key's path ({@code clusters[1].healthCheck.timeout}), the line
 * it was read from (0 when unknown) and what was wrong, in the form {@code 15s (expected: < interval 10s)}.
 */
public record ConfigError(String path, int line, String message) {

    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code clusters[1].healthCheck.timeout: 15s (expected: < interval 10s) (line 12)}. */
    @Override
    public String toString() {
        String where = path.isEmpty() ? "" : path + ": ";
        return line > 0 ? where + message + " (line " + line + ")" : where + message;
    }
}
