package dev.maitre.api.config;

import java.util.Objects;

/**
 * The access log: one line per request, in {@code format}, written to standard output or appended to
 * a file. Off by default.
 *
 * @param path {@link #STDOUT} or a file's path (a relative one resolved against the configuration
 *     file's directory)
 */
public record AccessLogConfig(boolean enabled, AccessLogFormat format, String path) {

    /** The {@code path} that means standard output. */
    public static final String STDOUT = "stdout";

    public AccessLogConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
    }

    /** On or off, in maitre's format, on standard output. */
    public AccessLogConfig(boolean enabled) {
        this(enabled, AccessLogFormat.MAITRE, STDOUT);
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig(false);
    }

    /** Whether lines go to standard output rather than a file. */
    public boolean toStdout() {
        return STDOUT.equals(path);
    }
}
