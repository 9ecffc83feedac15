package dev.maitre.api.tls;

import dev.maitre.api.Causes;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/**
 * Says in a few words why a TLS handshake with a backend failed, whichever provider (the JDK's or
 * BoringSSL) raised it: {@code certificate not trusted}, {@code certificate does not match the server
 * name}. The data plane puts it in a failed connect's reason, the health checks in a check's.
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /** Whether {@code cause} came from a TLS handshake or record, not from the connection under it. */
    public static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The reason, such as {@code certificate not trusted}; the cause's own words when not recognised. */
    public static String describe(Throwable cause) {
        String messages = Causes.messages(cause);
        if (Causes.causedBy(cause, CertificateExpiredException.class) || messages.contains("certificate expired")
                || messages.contains("certificate has expired")) {
            return "certificate expired";
        }
        if (Causes.causedBy(cause, CertificateNotYetValidException.class)) {
            return "certificate not yet valid";
        }
        if (messages.contains("no subject alternative") || messages.contains("no name matching")
                || messages.contains("hostname mismatch")) {
            return "certificate does not match the server name";
        }
        if (refusedByBackend(messages)) {
            return "the backend refused the client certificate (or wanted one)";
        }
        if (Causes.causedBy(cause, CertPathValidatorException.class) || messages.contains("unable to find valid certification")
                || messages.contains("pkix path")) {
            return "certificate not trusted";
        }
        if (messages.contains("handshake timed out")) {
            return "handshake timed out";
        }
        if (messages.contains("protocol_version") || messages.contains("no appropriate protocol")
                || messages.contains("unsupported_protocol")) {
            return "no protocol version in common";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return "handshake failed (" + (message == null || message.isBlank()
                ? root.getClass().getSimpleName() : message) + ")";
    }

    /**
     * An alert about certificates that the backend sent (the JDK says {@code Received fatal alert:
     * unknown_ca}, BoringSSL {@code TLSV1_ALERT_UNKNOWN_CA}): it did not take maitre's client
     * certificate, or wanted one. maitre's own verdict on the backend's certificate is never an alert
     * received.
     */
    private static boolean refusedByBackend(String messages) {
        boolean received = messages.contains("received fatal alert") || messages.contains("alert_");
        return received && (messages.contains("unknown_ca") || messages.contains("bad_certificate")
                || messages.contains("certificate_unknown") || messages.contains("certificate_required")
                || messages.contains("access_denied") || messages.contains("unsupported_certificate"))
                || messages.contains("empty client certificate")
                || messages.contains("peer did not return a certificate");
    }
}
