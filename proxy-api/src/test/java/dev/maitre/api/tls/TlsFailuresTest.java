package dev.maitre.api.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The few words a failed handshake becomes, from the exceptions the JDK's provider and BoringSSL raise. */
class TlsFailuresTest {

    private static <T extends Throwable> T causedBy(T failure, Throwable cause) {
        failure.initCause(cause);
        return failure;
    }

    @Test
    void anUnknownAuthorityIsNotTrusted() {
        SSLHandshakeException failure = causedBy(new SSLHandshakeException("PKIX path building failed"),
                new CertPathValidatorException("unable to find valid certification path to requested target"));

        assertThat(TlsFailures.isTls(failure)).isTrue();
        assertThat(TlsFailures.describe(failure)).isEqualTo("certificate not trusted");
    }

    @Test
    void anotherNameIsAMismatch() {
        SSLHandshakeException failure = causedBy(new SSLHandshakeException("General SSLEngine problem"),
                new CertificateException("No subject alternative DNS name matching other.test found."));

        assertThat(TlsFailures.describe(failure)).isEqualTo("certificate does not match the server name");
    }

    @Test
    void anIpLiteralWithoutItsAddressIsAMismatch() {
        assertThat(TlsFailures.describe(new SSLHandshakeException(
                "No subject alternative names matching IP address 127.0.0.1 found")))
                .isEqualTo("certificate does not match the server name");
    }

    @Test
    void anAlertAboutCertificatesFromTheBackendIsARefusalOfTheClientCertificate() {
        assertThat(TlsFailures.describe(new SSLHandshakeException("Received fatal alert: certificate_required")))
                .isEqualTo("the backend refused the client certificate (or wanted one)");
        assertThat(TlsFailures.describe(new SSLHandshakeException(
                "error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA")))
                .isEqualTo("the backend refused the client certificate (or wanted one)");
    }

    @Test
    void aHandshakeThatTakesTooLongTimesOut() {
        assertThat(TlsFailures.describe(new SSLHandshakeException("handshake timed out after 2000ms")))
                .isEqualTo("handshake timed out");
    }

    @Test
    void anythingElseKeepsItsOwnWords() {
        assertThat(TlsFailures.describe(new SSLException("Received fatal alert: decrypt_error")))
                .isEqualTo("handshake failed (Received fatal alert: decrypt_error)");
    }

    @Test
    void aFailedConnectionIsNotTls() {
        assertThat(TlsFailures.isTls(new ConnectException("Connection refused"))).isFalse();
        assertThat(TlsFailures.isTls(new IOException("Connection reset by peer"))).isFalse();
    }
}
