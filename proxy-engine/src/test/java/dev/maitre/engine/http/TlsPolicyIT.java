package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawBackend;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.BufferedInputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TLS a listener accepts by default, tried with real handshakes of the JDK's client: TLS 1.3 and
 * 1.2 with ECDHE and AEAD ciphers are served; a client offering only a suite without forward secrecy
 * or without AEAD is refused in the handshake.
 */
@ExtendWith(NoLeaksExtension.class)
class TlsPolicyIT {

    private static SelfSignedCertificate certificate;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = new SelfSignedCertificate("localhost");
    }

    @AfterAll
    static void deleteCertificate() {
        certificate.delete();
    }

    @Test
    void tls13IsServed() throws Exception {
        assertThat(request("TLSv1.3", null)).isEqualTo("TLSv1.3");
    }

    @Test
    void tls12WithEcdheAndAeadIsServed() throws Exception {
        assertThat(request("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLSv1.2");
        assertThat(request("TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")).isEqualTo("TLSv1.2");
    }

    @Test
    void aSuiteWithoutForwardSecrecyIsRefused() {
        assertThatThrownBy(() -> request("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aSuiteWithoutAeadIsRefused() {
        assertThatThrownBy(() -> request("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    /** One GET over a handshake limited to {@code protocol} (and {@code suite}, when given): the protocol used. */
    private static String request(String protocol, String suite) throws Exception {
        try (RawBackend backend = RawBackend.answering("secret");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .tls(new TlsConfig(certificate.certificate().toPath(), certificate.privateKey().toPath()))
                     .start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            // The test's own self-signed certificate is the only one it will meet.
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {protocol});
                if (suite != null) {
                    socket.setEnabledCipherSuites(new String[] {suite});
                }
                socket.startHandshake();
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                HttpMessage response = HttpMessage.readResponse(new BufferedInputStream(socket.getInputStream()), false);
                assertThat(response.bodyText()).isEqualTo("secret");
                return socket.getSession().getProtocol();
            }
        }
    }
}
