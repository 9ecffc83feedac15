package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tcp listener with {@code tls} terminates TLS and relays the plain bytes, advertising by ALPN the
 * protocols its {@code tls.alpn} lists.
 */
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

    @Test
    void advertisesItsAlpnProtocolsAndServesClientsWithoutAlpn() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        TlsConfig tls = new TlsConfig(List.of(new CertificateFiles(certificate.certificate().toPath(),
                certificate.privateKey().toPath())), TlsProvider.AUTO, List.of(), List.of(),
                List.of("postgresql", "http/1.1"), null, ClientAuth.NONE, ClientCertHeaders.none());
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp().tls(tls).start()) {
            assertThat(echoWithAlpn(proxy, "h2", "postgresql")).isEqualTo("postgresql");
            assertThat(echoWithAlpn(proxy, "http/1.1")).isEqualTo("http/1.1");
            // A client offering none of them still connects, with no protocol selected.
            assertThat(echoWithAlpn(proxy, "h2")).isEmpty();
            assertThat(echoWithAlpn(proxy)).isEmpty();
        } finally {
            certificate.delete();
        }
    }

    /** Relays a few bytes over a handshake offering {@code protocols}: the protocol ALPN selected. */
    private static String echoWithAlpn(ProxyFixture proxy, String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(protocols);
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(TcpPeers.readText(socket.getInputStream(), 4)).isEqualTo("ping");
            return socket.getApplicationProtocol();
        }
    }
}
