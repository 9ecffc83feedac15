package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener's TLS as an outside client meets it: {@code openssl s_client} against listeners with an
 * RSA and an ECDSA certificate from a test CA, on either provider. Old protocols and suites without
 * forward secrecy are refused in the handshake, a client's renegotiation is refused, sessions resume
 * on TLS 1.2 and 1.3, and a request gets the backend's answer.
 */
@ExtendWith(NoLeaksExtension.class)
class TlsHandshakeIT {

    private static final String NAME = "www.example.test";
    private static final String REQUEST = "GET /hello HTTP/1.1\r\nHost: " + NAME + "\r\nConnection: close\r\n\r\n";

    @TempDir
    static Path dir;

    private static Path caFile;
    private static RawBackend backend;
    private static final Map<TlsProvider, ProxyFixture> RSA = new EnumMap<>(TlsProvider.class);
    private static final Map<TlsProvider, ProxyFixture> ECDSA = new EnumMap<>(TlsProvider.class);

    @BeforeAll
    static void start() throws Exception {
        OpenSslClient.require();
        TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");
        caFile = authority.writeCertificate(dir, "ca.pem");
        PemFiles rsa = authority.issue(KeyKind.RSA, NAME, "example.test").write(dir, "rsa");
        PemFiles ecdsa = authority.issue(KeyKind.ECDSA, NAME, "example.test").write(dir, "ecdsa");
        backend = RawBackend.answering("hello from the backend");
        for (TlsProvider provider : new TlsProvider[] {TlsProvider.JDK, TlsProvider.OPENSSL}) {
            RSA.put(provider, ProxyFixture.builder(backend.address())
                    .tls(new TlsConfig(rsa.certFile(), rsa.keyFile()).withProvider(provider)).start());
            ECDSA.put(provider, ProxyFixture.builder(backend.address())
                    .tls(new TlsConfig(ecdsa.certFile(), ecdsa.keyFile()).withProvider(provider)).start());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        RSA.values().forEach(ProxyFixture::close);
        ECDSA.values().forEach(ProxyFixture::close);
        if (backend != null) {
            backend.close();
        }
    }

    private static OpenSslClient client(ProxyFixture proxy) {
        return OpenSslClient.connect(proxy.address()).serverName(NAME).caFile(caFile);
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls13IsServedWithTheConfiguredCertificate(TlsProvider provider) throws Exception {
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1_3").run();

        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.protocol()).isEqualTo("TLSv1.3");
        assertThat(result.verifyResult()).as("%s", result).isEqualTo("ok");
        assertThat(result.subject()).isEqualTo("CN = " + NAME);
        assertThat(result.sanNames()).containsExactly(NAME, "example.test");
        assertThat(result.peerKeyAlgorithm()).isEqualTo("RSA");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls11IsRefused(TlsProvider provider) throws Exception {
        // OpenSSL 3 offers TLS 1.1 and 1.0 only at security level 0: without it the client would refuse
        // by itself and the listener would never be asked.
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1_1").cipher("DEFAULT:@SECLEVEL=0").run();

        assertThat(result.handshake()).as("%s", result).isFalse();
        assertThat(result.output()).as("the listener's own refusal").contains("alert protocol version");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls10IsRefused(TlsProvider provider) throws Exception {
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1").cipher("DEFAULT:@SECLEVEL=0").run();

        assertThat(result.handshake()).as("%s", result).isFalse();
        assertThat(result.output()).as("the listener's own refusal").contains("alert protocol version");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls12WithoutForwardSecrecyIsRefused(TlsProvider provider) throws Exception {
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1_2").cipher("AES128-GCM-SHA256").run();

        assertThat(result.handshake()).as("%s", result).isFalse();
        assertThat(result.output()).as("the listener's own refusal").contains("alert handshake failure");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls12WithEcdheAndAnRsaCertificateIsServed(TlsProvider provider) throws Exception {
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1_2").cipher("ECDHE-RSA-AES128-GCM-SHA256").run();

        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.protocol()).isEqualTo("TLSv1.2");
        assertThat(result.cipher()).isEqualTo("ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(result.verifyResult()).as("%s", result).isEqualTo("ok");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls12WithEcdheAndAnEcdsaCertificateIsServed(TlsProvider provider) throws Exception {
        OpenSslResult result = client(ECDSA.get(provider)).protocol("-tls1_2").cipher("ECDHE-ECDSA-AES128-GCM-SHA256").run();

        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.protocol()).isEqualTo("TLSv1.2");
        assertThat(result.cipher()).isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(result.peerKeyAlgorithm()).isEqualTo("EC");
        assertThat(result.verifyResult()).as("%s", result).isEqualTo("ok");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aClientsRenegotiationIsRefused(TlsProvider provider) throws Exception {
        // "R" asks s_client to renegotiate once the TLS 1.2 handshake is done.
        OpenSslResult result = client(RSA.get(provider)).protocol("-tls1_2").commands("R\n")
                .timeout(Duration.ofSeconds(10)).run();

        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.output()).contains("RENEGOTIATING");
        String afterRequest = result.output().substring(result.output().indexOf("RENEGOTIATING"));
        // BoringSSL answers with a no_renegotiation alert, the JDK with handshake_failure; either ends it.
        assertThat(afterRequest).as("the listener's alert: %s", result).containsPattern("alert (no renegotiation|handshake failure)");
        assertThat(afterRequest).as("no second certificate verified: %s", result).doesNotContain("depth=0");
        assertThat(result.timedOut()).as("the connection ended: %s", result).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls12SessionsResume(TlsProvider provider) throws Exception {
        Path session = dir.resolve("tls12-" + provider + ".session");
        OpenSslResult first = client(RSA.get(provider)).protocol("-tls1_2").sessionOut(session).run();
        assertThat(first.handshake()).as("%s", first).isTrue();
        assertThat(first.reused()).isFalse();
        assertThat(session).isNotEmptyFile();

        OpenSslResult second = client(RSA.get(provider)).protocol("-tls1_2").sessionIn(session).run();

        assertThat(second.handshake()).as("%s", second).isTrue();
        assertThat(second.reused()).as("%s", second).isTrue();
        assertThat(second.protocol()).isEqualTo("TLSv1.2");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void tls13SessionsResume(TlsProvider provider) throws Exception {
        Path session = dir.resolve("tls13-" + provider + ".session");
        // TLS 1.3 tickets come after the handshake: a request and its answer make sure the client reads them.
        OpenSslResult first = client(RSA.get(provider)).protocol("-tls1_3").sessionOut(session).request(REQUEST).run();
        assertThat(first.handshake()).as("%s", first).isTrue();
        assertThat(first.reused()).isFalse();
        assertThat(Files.exists(session)).as("a session ticket arrived: %s", first).isTrue();

        OpenSslResult second = client(RSA.get(provider)).protocol("-tls1_3").sessionIn(session).request(REQUEST).run();

        assertThat(second.handshake()).as("%s", second).isTrue();
        assertThat(second.reused()).as("%s", second).isTrue();
        assertThat(second.protocol()).isEqualTo("TLSv1.3");
        assertThat(second.output()).contains("hello from the backend");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aRequestGetsTheBackendsAnswer(TlsProvider provider) throws Exception {
        OpenSslResult result = client(ECDSA.get(provider)).request(REQUEST).run();

        assertThat(result.handshake()).as("%s", result).isTrue();
        assertThat(result.timedOut()).as("the listener closes after Connection: close: %s", result).isFalse();
        assertThat(result.output()).contains("HTTP/1.1 200 OK").contains("hello from the backend");
    }
}
