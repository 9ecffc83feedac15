package dev.maitre.api.config;

/**
 * Size and count limits of a listener.
 *
 * @param maxRequestLineBytes the longest request line accepted (414 beyond)
 * @param maxHeaderBytes the largest request head accepted (431 beyond)
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param maxConnections open client connections at once; further ones are closed at accept
 */
public record ListenerLimits(int maxRequestLineBytes, int maxHeaderBytes, long maxBodyBytes, int maxConnections) {

    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    public static ListenerLimits defaults() {
        return new ListenerLimits(DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES,
                DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS);
    }
}
