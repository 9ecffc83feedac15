package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TlsListenerIT {

    @Test
    void tlsListenerTerminatesTlsAndTellsTheBackendTheSchemeWasHttps() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try (RawBackend backend = RawBackend.answering("secret");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .tls(new TlsConfig(certificate.certificate().toPath(), certificate.privateKey().toPath()))
                     .start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(
                        "GET /s HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = new BufferedInputStream(socket.getInputStream());
                HttpMessage response = HttpMessage.readResponse(in, false);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("secret");
            }
            assertThat(backend.requests()).hasSize(1);
            assertThat(backend.requests().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
        } finally {
            certificate.delete();
        }
    }

    /** The test's own self-signed certificate is the only one it will meet. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
