package dev.maitre.engine.tls;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Why a client's handshake failed, in the few words an operator acts on. Read from the exception the
 * handshake ended with; both providers are understood (the JDK's messages and BoringSSL's reason codes).
 */
public enum HandshakeFailure {
    /** The client offered no protocol version the listener accepts (such as TLS 1.1 only). */
    PROTOCOL_VERSION("protocol_version"),
    /** The client offered no cipher suite the listener accepts. */
    NO_SHARED_CIPHER("no_shared_cipher"),
    /** {@code clientAuth} asked for a client certificate: none came, or it did not verify against {@code clientCa}. */
    CLIENT_CERTIFICATE("client_certificate"),
    /** The client refused the listener's certificate (unknown issuer, expired, wrong names). */
    CERTIFICATE_REJECTED("certificate_rejected"),
    /** The client spoke something else than TLS, such as plain HTTP to a TLS port. */
    NOT_TLS("not_tls"),
    /** The handshake did not complete within the handshake timeout. */
    TIMEOUT("timeout"),
    /** The connection closed before the handshake completed. */
    CLOSED("closed"),
    OTHER("other");

    private final String label;

    HandshakeFailure(String label) {
        this.label = label;
    }

    /** The name used in metrics: {@code protocol_version}, {@code not_tls}, ... */
    public String label() {
        return label;
    }

    /** The reason {@code cause}, a handshake's failure, stands for. */
    public static HandshakeFailure of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            HandshakeFailure reason = ofOne(t);
            if (reason != OTHER) {
                return reason;
            }
        }
        return OTHER;
    }

    private static HandshakeFailure ofOne(Throwable t) {
        if (t instanceof SslHandshakeTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof NotSslRecordException) {
            return NOT_TLS;
        }
        if (t instanceof ClosedChannelException) {
            return CLOSED;
        }
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("connection reset") || message.contains("broken pipe")) {
            return CLOSED;
        }
        // An alert the client sent about the server's certificate, before the local reasons: the JDK
        // says "received fatal alert: certificate_unknown", BoringSSL "TLSV1_ALERT_UNKNOWN_CA".
        if (receivedCertificateAlert(message)) {
            return CERTIFICATE_REJECTED;
        }
        if (message.contains("protocol_version") || message.contains("unsupported_protocol")
                || message.contains("not enabled or supported") || message.contains("no appropriate protocol")
                || message.contains("wrong_version_number") || message.contains("unsupported protocol")) {
            return PROTOCOL_VERSION;
        }
        if (message.contains("no cipher suites in common") || message.contains("no_shared_cipher")
                || message.contains("no_cipher_match")) {
            return NO_SHARED_CIPHER;
        }
        if (message.contains("empty client certificate chain") || message.contains("peer_did_not_return_a_certificate")
                || message.contains("certificate_required") || message.contains("certificate_verify_failed")
                || message.contains("pkix path") || message.contains("certificate verify failed")) {
            return CLIENT_CERTIFICATE;
        }
        return OTHER;
    }

    private static boolean receivedCertificateAlert(String message) {
        boolean alert = message.contains("received fatal alert") || message.contains("alert_");
        return alert && (message.contains("certificate_unknown") || message.contains("unknown_ca")
                || message.contains("bad_certificate") || message.contains("certificate_expired")
                || message.contains("certificate_revoked") || message.contains("unsupported_certificate"));
    }
}
