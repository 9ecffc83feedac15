package dev.maitre.api.config;

/** Which TLS implementation a listener's handshakes run on. */
public enum TlsProvider {
    /** BoringSSL when it loads on this machine, the JDK's provider otherwise; the default. */
    AUTO,
    /** BoringSSL (netty-tcnative); the configuration is refused where it does not load. */
    OPENSSL,
    /** The JDK's own provider (SunJSSE). */
    JDK
}
