package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A tcp listener with {@code tls} terminates TLS and relays the plain bytes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpTlsIT {

    @Test
    void tlsClientTalksToAPlainBackendThroughTheRelay() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp()
                     .tls(new TlsConfig(certificate.certificate().toPath(), certificate.privateKey().toPath()))
                     .start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("hello over tls".getBytes(StandardCharsets.US_ASCII));

                assertThat(TcpPeers.readText(socket.getInputStream(), 14)).isEqualTo("hello over tls");
            }
        } finally {
            certificate.delete();
        }
    }
}
