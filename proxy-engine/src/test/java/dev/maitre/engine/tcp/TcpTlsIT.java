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

    @Test
    void aClientThatFailsItsHandshakeCostsNoBackendConnection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.maitre.testing.TestCertificates.Authority authority =
                dev.maitre.testing.TestCertificates.authority("maitre test CA");
        dev.maitre.testing.TestCertificates.PemFiles server =
                authority.issue(dev.maitre.testing.TestCertificates.KeyKind.ECDSA, "localhost").write(dir, "server");
        TlsConfig tls = new TlsConfig(List.of(new CertificateFiles(server.certFile(), server.keyFile())),
                TlsProvider.AUTO, List.of(), List.of(), List.of(), authority.writeCertificate(dir, "ca.pem"),
                ClientAuth.REQUIRED, ClientCertHeaders.none());
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp().tls(tls).start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
            for (int i = 0; i < 3; i++) {
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                        .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    // Refused: an alert, or the connection closed, and never an echo.
                    try {
                        assertThat(socket.getInputStream().read()).isEqualTo(-1);
                    } catch (javax.net.ssl.SSLException expected) {
                        // the listener's alert
                    }
                } catch (javax.net.ssl.SSLException expected) {
                    // refused while writing
                }
            }
            SSLContext withCertificate = SSLContext.getInstance("TLS");
            withCertificate.init(authority.issue(dev.maitre.testing.TestCertificates.KeyKind.ECDSA, "alice")
                    .keyManagers(), authority.trustManagerFactory().getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) withCertificate.getSocketFactory()
                    .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(TcpPeers.readText(socket.getInputStream(), 4)).isEqualTo("ping");
            }

            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void aTcpListenerChoosesItsCertificateBySni(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.maitre.testing.TestCertificates.Authority authority =
                dev.maitre.testing.TestCertificates.authority("maitre test CA");
        dev.maitre.testing.TestCertificates.PemFiles a =
                authority.issue(dev.maitre.testing.TestCertificates.KeyKind.ECDSA, "a.test").write(dir, "a");
        dev.maitre.testing.TestCertificates.PemFiles b =
                authority.issue(dev.maitre.testing.TestCertificates.KeyKind.RSA, "b.test").write(dir, "b");
        TlsConfig tls = new TlsConfig(List.of(new CertificateFiles(a.certFile(), a.keyFile()),
                new CertificateFiles(b.certFile(), b.keyFile())), TlsProvider.AUTO, List.of(), List.of(), List.of(),
                null, ClientAuth.NONE, ClientCertHeaders.none());
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp().tls(tls).start()) {
            for (String name : List.of("a.test", "b.test")) {
                // A context each: the JDK's client would resume the first session, with its name.
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                        .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                    socket.setSoTimeout(10_000);
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(name)));
                    socket.setSSLParameters(parameters);
                    socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    assertThat(TcpPeers.readText(socket.getInputStream(), 4)).isEqualTo("ping");
                    assertThat(((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
                }
            }
        }
    }
}
