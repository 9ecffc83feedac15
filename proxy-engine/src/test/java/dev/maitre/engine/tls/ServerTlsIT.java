package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.io.BufferedInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener's certificates, chosen by SNI, and its client certificates, tried with real handshakes of
 * the JDK's client on both providers: the certificate whose names match is served, a wildcard matches
 * one label, no name or an unknown one gets the first; of an RSA and an ECDSA certificate for the same
 * names each client gets the one it supports; ALPN selects h2 when the client offers it, http/1.1
 * otherwise; client certificates are asked for and checked as configured.
 */
@ExtendWith(NoLeaksExtension.class)
class ServerTlsIT {

    @TempDir
    static Path dir;

    private static Authority authority;
    private static PemFiles shopEcdsa;
    private static PemFiles shopRsa;
    private static PemFiles wildcard;
    private static TestCertificates.Issued client;
    private static Path ca;

    @BeforeAll
    static void certificates() {
        authority = TestCertificates.authority("maitre test CA");
        shopEcdsa = authority.issue(KeyKind.ECDSA, "shop.example.test", "www.shop.example.test").write(dir, "shop-ec");
        shopRsa = authority.issue(KeyKind.RSA, "shop.example.test", "www.shop.example.test").write(dir, "shop-rsa");
        wildcard = authority.issue(KeyKind.ECDSA, "*.api.example.test").write(dir, "api");
        client = authority.issue(KeyKind.ECDSA, "alice");
        ca = authority.writeCertificate(dir, "ca.pem");
    }

    private static TlsConfig names(TlsProvider provider) {
        return new TlsConfig(List.of(files(shopEcdsa), files(shopRsa), files(wildcard)), provider, List.of(),
                List.of(), List.of(), null, ClientAuth.NONE, ClientCertHeaders.none());
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void servesTheCertificateTheClientNames(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(names(provider)).start()) {
            assertThat(names(handshake(proxy, "www.shop.example.test", null, null))).contains("www.shop.example.test");
            assertThat(names(handshake(proxy, "v2.api.example.test", null, null))).containsExactly("*.api.example.test");
            // A wildcard covers one label only.
            assertThat(names(handshake(proxy, "a.b.api.example.test", null, null))).contains("shop.example.test");
            assertThat(names(handshake(proxy, "unknown.test", null, null))).contains("shop.example.test");
            assertThat(names(handshake(proxy, null, null, null))).contains("shop.example.test");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void servesEachClientTheKeyTypeItSupports(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(names(provider)).start()) {
            SSLSession rsa = handshake(proxy, "shop.example.test", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null);
            SSLSession ecdsa = handshake(proxy, "shop.example.test", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", null);

            assertThat(leaf(rsa).getPublicKey().getAlgorithm()).isEqualTo("RSA");
            assertThat(leaf(ecdsa).getPublicKey().getAlgorithm()).isEqualTo("EC");
            // Without SNI the default is the first certificate with its twin: both key types still work.
            assertThat(leaf(handshake(proxy, null, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null))
                    .getPublicKey().getAlgorithm()).isEqualTo("RSA");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void selectsH2ByAlpnWhenOfferedAndHttp11Otherwise(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(names(provider)).start()) {
            SSLContext context = clientContext(null);
            try (SSLSocket socket = alpn(socket(context, proxy, "shop.example.test"), "h2", "http/1.1")) {
                socket.startHandshake();
                assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            }
            try (SSLSocket socket = alpn(socket(context, proxy, "shop.example.test"), "http/1.1")) {
                socket.startHandshake();
                assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
                assertThat(get(socket)).isEqualTo("ok");
            }
        }
    }

    private static SSLSocket alpn(SSLSocket socket, String... protocols) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(protocols);
        socket.setSSLParameters(parameters);
        return socket;
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aRequiredClientCertificateIsChecked(TlsProvider provider) throws Exception {
        TlsConfig tls = new TlsConfig(List.of(files(shopEcdsa)), provider, List.of(), List.of(), List.of(), ca,
                ClientAuth.REQUIRED, ClientCertHeaders.none());
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls).start()) {
            assertThat(get(handshakeWith(proxy, client.keyManagers()))).isEqualTo("ok");
            assertThatThrownBy(() -> get(handshakeWith(proxy, null))).isInstanceOf(SSLException.class);
            Authority stranger = TestCertificates.authority("someone else's CA");
            KeyManager[] foreign = stranger.issue(KeyKind.ECDSA, "mallory").keyManagers();
            assertThatThrownBy(() -> get(handshakeWith(proxy, foreign))).isInstanceOf(SSLException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void anOptionalClientCertificateMayBeLeftOut(TlsProvider provider) throws Exception {
        TlsConfig tls = new TlsConfig(List.of(files(shopEcdsa)), provider, List.of(), List.of(), List.of(), ca,
                ClientAuth.OPTIONAL, ClientCertHeaders.none());
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls).start()) {
            assertThat(get(handshakeWith(proxy, null))).isEqualTo("ok");
            assertThat(get(handshakeWith(proxy, client.keyManagers()))).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void passesTheVerifiedClientCertificateInTheNamedHeadersOnly(TlsProvider provider) throws Exception {
        TlsConfig tls = new TlsConfig(List.of(files(shopEcdsa)), provider, List.of(), List.of(), List.of(), ca,
                ClientAuth.OPTIONAL, new ClientCertHeaders("X-Client-Subject", "X-Client-Sha256"));
        String forged = "GET / HTTP/1.1\r\nHost: shop.example.test\r\nX-Client-Subject: CN=admin\r\n"
                + "x-client-sha256: 00\r\nX_Client_Subject: CN=root\r\n\r\n";
        // Even where underscored names are passed on, the underscored spelling of these never is.
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls).allowUnderscores(true).start()) {
            try (SSLSocket socket = handshakeWith(proxy, client.keyManagers())) {
                send(socket, forged);
                send(socket, forged);
            }
            try (SSLSocket socket = handshakeWith(proxy, null)) {
                send(socket, forged);
            }

            List<HttpMessage> requests = backend.requests();
            assertThat(requests).hasSize(3);
            String fingerprint = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(client.bundle().getCertificate().getEncoded()));
            for (HttpMessage request : requests) {
                assertThat(request.headers("X_Client_Subject")).isEmpty();
            }
            for (HttpMessage request : requests.subList(0, 2)) {
                assertThat(request.headers("X-Client-Subject")).containsExactly("CN=alice");
                assertThat(request.headers("X-Client-Sha256")).containsExactly(fingerprint);
            }
            // Without a certificate the forged values are dropped and nothing is set in their place.
            assertThat(requests.get(2).headers("X-Client-Subject")).isEmpty();
            assertThat(requests.get(2).headers("X-Client-Sha256")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aClientThatSendsNoClientHelloIsClosedAtTheHandshakeTimeout(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(names(provider)).start();
             java.net.Socket silent = new java.net.Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            silent.getOutputStream().write(22); // the first byte of a handshake record, and nothing more
            silent.setSoTimeout(30_000);
            long start = System.nanoTime();

            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThan(java.time.Duration.ofSeconds(5));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(proxy.engine().tlsHandshakes(ProxyFixture.LISTENER).failed(HandshakeFailure.TIMEOUT))
                            .isEqualTo(1));
        }
    }

    /** Writes {@code request} and reads its answer, which must be the backend's. */
    private static void send(SSLSocket socket, String request) throws Exception {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        assertThat(HttpMessage.readResponse(new BufferedInputStream(socket.getInputStream(), 1), false).bodyText())
                .isEqualTo("ok");
    }

    private static CertificateFiles files(PemFiles pem) {
        return new CertificateFiles(pem.certFile(), pem.keyFile());
    }

    private static SSLContext clientContext(KeyManager[] keys) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, authority.trustManagerFactory().getTrustManagers(), null);
        return context;
    }

    private static SSLSocket socket(SSLContext context, ProxyFixture proxy, String serverName) throws Exception {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(proxy.address().getAddress(), proxy.address().getPort());
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** A handshake naming {@code serverName} (none when null), limited to TLS 1.2 and {@code suite} when given. */
    private static SSLSession handshake(ProxyFixture proxy, String serverName, String suite, KeyManager[] keys)
            throws Exception {
        try (SSLSocket socket = socket(clientContext(keys), proxy, serverName)) {
            if (suite != null) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            socket.startHandshake();
            assertThat(get(socket)).isEqualTo("ok");
            return socket.getSession();
        }
    }

    /** A connection presenting {@code keys}' certificate (none when null), handshake done. */
    private static SSLSocket handshakeWith(ProxyFixture proxy, KeyManager[] keys) throws Exception {
        SSLSocket socket = socket(clientContext(keys), proxy, "shop.example.test");
        socket.startHandshake();
        return socket;
    }

    /** One GET on {@code socket}: the answer's body. Closes the socket. */
    private static String get(SSLSocket socket) throws Exception {
        try (socket) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.example.test\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return HttpMessage.readResponse(new BufferedInputStream(socket.getInputStream()), false).bodyText();
        }
    }

    private static X509Certificate leaf(SSLSession session) throws Exception {
        return (X509Certificate) session.getPeerCertificates()[0];
    }

    private static List<String> names(SSLSession session) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<?> name : leaf(session).getSubjectAlternativeNames()) {
            names.add(String.valueOf(name.get(1)));
        }
        return names;
    }
}
