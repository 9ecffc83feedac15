package dev.maitre.api.config;

import java.util.Locale;

/** What maitre speaks to a cluster's backends on behalf of its HTTP clients. */
public enum BackendProtocol {
    /** HTTP/1.1, one request at a time on each pooled connection (the default). */
    HTTP1,
    /** HTTP/2 over TLS, chosen by ALPN: the cluster must have {@code tls}. */
    H2,
    /** HTTP/2 in clear text by prior knowledge: the cluster must not have {@code tls}. */
    H2C;

    /** The name used in configuration: {@code http1}, {@code h2}, {@code h2c}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether requests are multiplexed as HTTP/2 streams. */
    public boolean http2() {
        return this != HTTP1;
    }
}
