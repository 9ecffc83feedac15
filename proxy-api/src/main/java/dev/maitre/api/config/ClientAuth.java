package dev.maitre.api.config;

/** Whether a listener asks its clients for a certificate. */
public enum ClientAuth {
    /** Never asks; the default. */
    NONE,
    /** Asks; a client without one is served, a client whose certificate does not verify is not. */
    OPTIONAL,
    /** Asks, and only clients with a certificate that verifies against {@code clientCa} are served. */
    REQUIRED
}
