package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The reason a failed handshake is counted under, from what either provider says. */
class HandshakeFailureTest {

    @Test
    void readsTheJdksMessages() {
        assertThat(reason("Client requested protocol TLSv1.1 is not enabled or supported in server context"))
                .isEqualTo(HandshakeFailure.PROTOCOL_VERSION);
        assertThat(reason("no cipher suites in common")).isEqualTo(HandshakeFailure.NO_SHARED_CIPHER);
        assertThat(reason("Empty client certificate chain")).isEqualTo(HandshakeFailure.CLIENT_CERTIFICATE);
        assertThat(reason("Received fatal alert: certificate_unknown")).isEqualTo(HandshakeFailure.CERTIFICATE_REJECTED);
    }

    @Test
    void readsBoringSslsReasonCodes() {
        assertThat(reason("error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL"))
                .isEqualTo(HandshakeFailure.PROTOCOL_VERSION);
        assertThat(reason("error:100000b8:SSL routines:OPENSSL_internal:NO_SHARED_CIPHER"))
                .isEqualTo(HandshakeFailure.NO_SHARED_CIPHER);
        assertThat(reason("error:100000c7:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"))
                .isEqualTo(HandshakeFailure.CLIENT_CERTIFICATE);
        assertThat(reason("error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN"))
                .isEqualTo(HandshakeFailure.CERTIFICATE_REJECTED);
    }

    @Test
    void readsNettysOwnExceptions() {
        assertThat(HandshakeFailure.of(new NotSslRecordException("not an SSL/TLS record")))
                .isEqualTo(HandshakeFailure.NOT_TLS);
        assertThat(HandshakeFailure.of(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
                .isEqualTo(HandshakeFailure.TIMEOUT);
        assertThat(HandshakeFailure.of(new ClosedChannelException())).isEqualTo(HandshakeFailure.CLOSED);
    }

    @Test
    void looksIntoTheCauses() {
        Exception wrapped = new RuntimeException("handshake failed", new SSLHandshakeException("no cipher suites in common"));

        assertThat(HandshakeFailure.of(wrapped)).isEqualTo(HandshakeFailure.NO_SHARED_CIPHER);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(reason("General SSLEngine problem")).isEqualTo(HandshakeFailure.OTHER);
        assertThat(HandshakeFailure.of(new IllegalStateException())).isEqualTo(HandshakeFailure.OTHER);
    }

    private static HandshakeFailure reason(String message) {
        return HandshakeFailure.of(new SSLHandshakeException(message));
    }
}
