package dev.maitre.api.config;

/**
 * Size and count limits of a listener.
 *
 * @param maxRequestLineBytes the longest request line accepted (414 beyond)
 * @param maxHeaderBytes the largest request head accepted (431 beyond)
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param maxConnections open client connections at once; further ones are closed at accept
 * @param pipelinedRequests decoded requests that may wait behind the one being answered on a
 *     connection; beyond them the connection is neither read nor decoded until they drain
 */
public record ListenerLimits(int maxRequestLineBytes, int maxHeaderBytes, long maxBodyBytes, int maxConnections,
                             int pipelinedRequests) {

    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final long DEFAULT_MAX_BODY_BYTES = 100L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_PIPELINED_REQUESTS = 16;
    public static final int MAX_PIPELINED_REQUESTS = 1024;

    /** With the default number of pipelined requests. */
    public ListenerLimits(int maxRequestLineBytes, int maxHeaderBytes, long maxBodyBytes, int maxConnections) {
        this(maxRequestLineBytes, maxHeaderBytes, maxBodyBytes, maxConnections, DEFAULT_PIPELINED_REQUESTS);
    }

    public static ListenerLimits defaults() {
        return new ListenerLimits(DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEADER_BYTES,
                DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_PIPELINED_REQUESTS);
    }
}
