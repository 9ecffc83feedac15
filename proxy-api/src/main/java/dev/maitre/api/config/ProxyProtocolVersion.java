package dev.maitre.api.config;

import java.util.Locale;

/**
 * Whether maitre opens each connection to a cluster's backends with a PROXY protocol header (HAProxy's
 * specification) naming the client it serves, and in which version.
 */
public enum ProxyProtocolVersion {
    /** No header (the default). */
    OFF,
    /** The text header, {@code PROXY TCP4 <client> <destination> <ports>\r\n}. */
    V1,
    /** The binary header. */
    V2;

    /** The name used in configuration: {@code off}, {@code v1}, {@code v2}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a header is sent. */
    public boolean sends() {
        return this != OFF;
    }
}
