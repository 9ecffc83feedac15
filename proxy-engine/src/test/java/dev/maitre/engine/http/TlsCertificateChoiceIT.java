package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.OpenSslClient;
import dev.maitre.testing.OpenSslResult;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which certificate a listener with several serves, as {@code openssl s_client} sees it, on both
 * providers: the one whose SAN names match the client's SNI, a wildcard for a name one label below
 * it, the first for no SNI or an unknown name; of an RSA and an ECDSA certificate for the same names
 * each client gets the one it can use. ALPN selects http/1.1 on an http listener.
 */
@ExtendWith(NoLeaksExtension.class)
class TlsCertificateChoiceIT {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n";

    @TempDir
    static Path dir;

    private static Path caFile;
    private static PemFiles first;
    private static PemFiles firstRsa;
    private static PemFiles other;
    private static PemFiles wildcard;
    private static RawBackend backend;

    @BeforeAll
    static void certificates() throws Exception {
        OpenSslClient.require();
        TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");
        caFile = authority.writeCertificate(dir, "ca.pem");
        first = authority.issue(KeyKind.ECDSA, "www.example.test", "example.test").write(dir, "first");
        firstRsa = authority.issue(KeyKind.RSA, "www.example.test", "example.test").write(dir, "first-rsa");
        other = authority.issue(KeyKind.ECDSA, "shop.other.test").write(dir, "other");
        wildcard = authority.issue(KeyKind.ECDSA, "*.api.example.test").write(dir, "wildcard");
        backend = RawBackend.answering("hello");
    }

    @AfterAll
    static void stopBackend() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    private static ProxyFixture proxy(TlsProvider provider, PemFiles... certificates) throws Exception {
        List<CertificateFiles> files = List.of(certificates).stream()
                .map(c -> new CertificateFiles(c.certFile(), c.keyFile())).toList();
        return ProxyFixture.builder(backend.address()).tls(new TlsConfig(files, provider, List.of(), List.of(),
                List.of(), null, ClientAuth.NONE, ClientCertHeaders.none())).start();
    }

    private static OpenSslResult handshake(ProxyFixture proxy, String serverName) throws InterruptedException {
        OpenSslClient client = OpenSslClient.connect(proxy.address()).caFile(caFile);
        if (serverName != null) {
            client.serverName(serverName);
        }
        OpenSslResult result = client.run();
        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.verifyResult()).as("%s", result).isEqualTo("ok");
        return result;
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void sniChoosesTheCertificateWithTheName(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider, first, other, wildcard)) {
            assertThat(handshake(proxy, "shop.other.test").sanNames()).containsExactly("shop.other.test");
            assertThat(handshake(proxy, "www.example.test").sanNames()).containsExactly("www.example.test", "example.test");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aWildcardCoversOneLabel(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider, first, other, wildcard)) {
            assertThat(handshake(proxy, "v2.api.example.test").sanNames()).containsExactly("*.api.example.test");
            assertThat(handshake(proxy, "a.b.api.example.test").sanNames())
                    .as("two labels below the wildcard: the first certificate").contains("www.example.test");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void noSniOrAnUnknownNameGetsTheFirstCertificate(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider, other, first, wildcard)) {
            assertThat(handshake(proxy, null).sanNames()).containsExactly("shop.other.test");
            assertThat(handshake(proxy, "unknown.test").sanNames()).containsExactly("shop.other.test");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void alpnSelectsHttp11(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider, first)) {
            OpenSslResult result = OpenSslClient.connect(proxy.address()).serverName("www.example.test")
                    .caFile(caFile).alpn("http/1.1").request(REQUEST).run();

            assertThat(result.handshake()).as("%s", result).isTrue();
            assertThat(result.alpn()).as("%s", result).contains("http/1.1");
            assertThat(result.output()).contains("HTTP/1.1 200 OK").contains("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void eachClientGetsTheKeyTypeItCanUse(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider, first, firstRsa, other)) {
            OpenSslResult rsaOnly = OpenSslClient.connect(proxy.address()).serverName("www.example.test").caFile(caFile)
                    .protocol("-tls1_2").cipher("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384").run();
            OpenSslResult ecdsaCapable = handshake(proxy, "www.example.test");

            assertThat(rsaOnly.handshake()).as("%s", rsaOnly).isTrue();
            assertThat(rsaOnly.peerKeyAlgorithm()).as("%s", rsaOnly).isEqualTo("RSA");
            assertThat(rsaOnly.verifyResult()).isEqualTo("ok");
            assertThat(ecdsaCapable.peerKeyAlgorithm()).as("%s", ecdsaCapable).isEqualTo("EC");
        }
    }
}
