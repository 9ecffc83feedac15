package dev.maitre.api.config;

/** How the access log writes a request's line. */
public enum AccessLogFormat {
    /** maitre's own short line: client, request line, status, bytes, duration, cluster, backend. The default. */
    MAITRE,
    /** Apache's and nginx's combined format, followed by the request time and the upstream's address and time. */
    COMBINED,
    /** One JSON object per line. */
    JSON
}
