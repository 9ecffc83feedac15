package dev.maitre.engine.tls;

import dev.maitre.api.config.TlsProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.List;

/**
 * What a listener's TLS accepts by default: TLS 1.3 and 1.2 only, and on 1.2 only key exchanges
 * with forward secrecy (ECDHE) and AEAD ciphers, Mozilla's "intermediate" profile without its DHE
 * suites. A handshake offering nothing else (TLS 1.1, or {@code AES128-GCM-SHA256} without ECDHE)
 * fails. Names are the IANA ones, which Netty maps for either provider.
 */
public final class TlsPolicy {

    /** What an http listener offers by ALPN, HTTP/2 first where it speaks it (RFC 9113 §3.2). */
    static final List<String> HTTP_ALPN = List.of("http/1.1");
    static final List<String> HTTP2_ALPN = List.of("h2", "http/1.1");
    static final List<String> HTTP2_ONLY_ALPN = List.of("h2");

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final List<String> CIPHERS = List.of(
            // TLS 1.3: every suite it has is forward secret and AEAD.
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            // TLS 1.2, in Mozilla's order.
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Called before any listener's first handshake. */
    static void refuseRenegotiation() {
        // The JDK's provider accepts a TLS 1.2 client's renegotiation unless told otherwise (BoringSSL
        // never does): a client could make the server redo its costliest step as often as it likes.
        // Read once, when the JDK's server handshake class loads, so it is set before any handshake.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    /**
     * The implementation {@code wanted} names: BoringSSL for {@code openssl} (an error where it does not
     * load) and for {@code auto} where it loads, the JDK's provider otherwise.
     */
    public static SslProvider provider(TlsProvider wanted) {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalArgumentException("provider: openssl, but BoringSSL (netty-tcnative) does not "
                            + "load here: " + OpenSsl.unavailabilityCause() + " (expected: auto or jdk)");
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    private TlsPolicy() {
    }
}
