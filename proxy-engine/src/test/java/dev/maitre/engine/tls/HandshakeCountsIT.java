package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.engine.tls.HandshakeCounts.Negotiated;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener counts its clients' handshakes, on both providers, with real clients on loopback: one that
 * completes, by the protocol and cipher suite it negotiated; one that fails, by why — a TLS 1.1-only
 * client, one with no cipher suite in common, one that does not trust the certificate, plain HTTP to the
 * TLS port, a missing client certificate the listener requires, a client that leaves before saying
 * anything. Each connection counts once; the connection itself fares as before.
 */
@ExtendWith(NoLeaksExtension.class)
class HandshakeCountsIT {

    private static final Duration COUNTED = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static Authority authority;
    private static PemFiles ecdsa;
    private static PemFiles rsa;
    private static Path ca;

    @BeforeAll
    static void certificates() {
        authority = TestCertificates.authority("maitre test CA");
        ecdsa = authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "shop-ec");
        rsa = authority.issue(KeyKind.RSA, "shop.example.test").write(dir, "shop-rsa");
        ca = authority.writeCertificate(dir, "ca.pem");
    }

    /** Two certificates, so that each connection's certificate is chosen from its ClientHello first. */
    private static TlsConfig tls(TlsProvider provider, ClientAuth clientAuth) {
        return new TlsConfig(List.of(files(ecdsa), files(rsa)), provider, List.of(), List.of(), List.of(),
                clientAuth == ClientAuth.NONE ? null : ca, clientAuth, ClientCertHeaders.none());
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsACompletedHandshakeByProtocolAndCipherSuite(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);
            SSLSession session;
            try (SSLSocket socket = socket(proxy, "TLSv1.3")) {
                socket.startHandshake();
                session = socket.getSession();
                assertThat(get(socket)).isEqualTo("ok");
            }

            assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
            Negotiated negotiated = new Negotiated("TLSv1.3", session.getCipherSuite());
            await().atMost(COUNTED).until(() -> counts.completed(negotiated) == 1);
            assertThat(counts.completed()).containsExactly(Map.entry(negotiated, 1L));
            assertThat(counts.failures().values()).containsOnly(0L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsATls11OnlyClientAsProtocolVersion(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start();
             Socket socket = plain(proxy)) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);
            socket.getOutputStream().write(tls11ClientHello());

            // The listener answers with an alert (content type 21) and closes.
            byte[] answer = readToEnd(socket.getInputStream());
            assertThat(answer).isNotEmpty();
            assertThat(answer[0]).isEqualTo((byte) 21);
            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.PROTOCOL_VERSION) == 1);
            assertThat(counts.completed()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsAClientWithoutAnAcceptedCipherSuiteAsNoSharedCipher(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);

            // RSA key exchange, without forward secrecy: not among the listener's suites.
            assertThatThrownBy(() -> {
                try (SSLSocket socket = socket(proxy, "TLSv1.2")) {
                    socket.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256"});
                    socket.startHandshake();
                }
            }).isInstanceOf(SSLException.class);
            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.NO_SHARED_CIPHER) == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsAClientThatDoesNotTrustTheCertificateAsCertificateRejected(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);

            // The JDK's default trust store does not know the test authority.
            assertThatThrownBy(() -> {
                SSLContext stranger = SSLContext.getInstance("TLS");
                stranger.init(null, null, null);
                try (SSLSocket socket = (SSLSocket) stranger.getSocketFactory()
                        .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                    socket.setSoTimeout(10_000);
                    socket.startHandshake();
                }
            }).isInstanceOf(SSLException.class);
            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.CERTIFICATE_REJECTED) == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsPlainHttpToTheTlsPortAsNotTls(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start();
             Socket socket = plain(proxy)) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: shop.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            readToEnd(socket.getInputStream());
            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.NOT_TLS) == 1);
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsAMissingRequiredClientCertificate(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .tls(tls(provider, ClientAuth.REQUIRED)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);

            assertThatThrownBy(() -> {
                try (SSLSocket socket = socket(proxy, "TLSv1.3")) {
                    socket.startHandshake();
                    get(socket);
                }
            }).isInstanceOf(SSLException.class);
            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.CLIENT_CERTIFICATE) == 1);
            assertThat(counts.completed()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void countsAClientThatLeavesBeforeItsClientHelloAsClosed(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider, ClientAuth.NONE)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);
            plain(proxy).close();

            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.CLOSED) == 1);
            assertThat(counts.failures()).containsEntry(HandshakeFailure.OTHER, 0L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aTcpListenerCountsItsHandshakesToo(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp()
                     .tls(tls(provider, ClientAuth.NONE)).start()) {
            HandshakeCounts counts = proxy.engine().tlsHandshakes(ProxyFixture.LISTENER);
            try (SSLSocket socket = socket(proxy, "TLSv1.2")) {
                socket.startHandshake();
                assertThat(get(socket)).isEqualTo("ok");
            }
            try (Socket socket = plain(proxy)) {
                socket.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                readToEnd(socket.getInputStream());
            }

            await().atMost(COUNTED).until(() -> counts.failed(HandshakeFailure.NOT_TLS) == 1);
            assertThat(counts.completed().keySet()).extracting(Negotiated::protocol).containsExactly("TLSv1.2");
        }
    }

    private static CertificateFiles files(PemFiles pem) {
        return new CertificateFiles(pem.certFile(), pem.keyFile());
    }

    /** A JDK client that trusts the test authority, speaks {@code protocol} only and presents no certificate. */
    private static SSLSocket socket(ProxyFixture proxy, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(proxy.address().getAddress(), proxy.address().getPort());
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        return socket;
    }

    private static Socket plain(ProxyFixture proxy) throws Exception {
        Socket socket = new Socket(proxy.address().getAddress(), proxy.address().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One GET on {@code socket}: the answer's body. */
    private static String get(SSLSocket socket) throws Exception {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.example.test\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        return HttpMessage.readResponse(new BufferedInputStream(socket.getInputStream()), false).bodyText();
    }

    /** What the listener sends until it closes the connection. */
    private static byte[] readToEnd(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // A reset after the listener's last bytes ends the reading as well.
        }
        return bytes.toByteArray();
    }

    /**
     * The ClientHello of a client that speaks TLS 1.1 and nothing newer: version 3.2, two TLS 1.1 cipher
     * suites, the elliptic curves and point formats they need, no {@code supported_versions} extension.
     */
    private static byte[] tls11ClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 2});
        body.writeBytes(new byte[32]);
        body.write(0);
        body.writeBytes(new byte[] {0, 4, (byte) 0xc0, 0x13, 0x00, 0x2f});
        body.writeBytes(new byte[] {1, 0});
        byte[] extensions = {
            // supported_groups: secp256r1
            0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,
            // ec_point_formats: uncompressed
            0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
        };
        body.write(0);
        body.write(extensions.length);
        body.writeBytes(extensions);
        byte[] hello = body.toByteArray();

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int handshakeLength = hello.length + 4;
        record.writeBytes(new byte[] {22, 3, 1, (byte) (handshakeLength >> 8), (byte) handshakeLength});
        record.writeBytes(new byte[] {1, 0, (byte) (hello.length >> 8), (byte) hello.length});
        record.writeBytes(hello);
        return record.toByteArray();
    }
}
