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
 * Client certificates ({@code tls.clientAuth}, {@code tls.clientCa}) as {@code openssl s_client}
 * meets them on both providers: with {@code required}, a client presenting a certificate of the
 * configured CA is served, one presenting none or one of another CA gets no answer from the backend.
 */
@ExtendWith(NoLeaksExtension.class)
class TlsClientCertificateIT {

    private static final String NAME = "www.example.test";
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: " + NAME + "\r\nConnection: close\r\n\r\n";

    @TempDir
    static Path dir;

    private static Path caFile;
    private static PemFiles server;
    private static PemFiles alice;
    private static PemFiles mallory;
    private static RawBackend backend;

    @BeforeAll
    static void certificates() throws Exception {
        OpenSslClient.require();
        TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");
        caFile = authority.writeCertificate(dir, "ca.pem");
        server = authority.issue(KeyKind.ECDSA, NAME).write(dir, "server");
        alice = authority.issue(KeyKind.ECDSA, "alice").write(dir, "alice");
        mallory = TestCertificates.authority("someone else's CA").issue(KeyKind.ECDSA, "mallory").write(dir, "mallory");
        backend = RawBackend.answering("hello");
    }

    @AfterAll
    static void stopBackend() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    private static ProxyFixture proxy(TlsProvider provider) throws Exception {
        return ProxyFixture.builder(backend.address()).tls(new TlsConfig(
                List.of(new CertificateFiles(server.certFile(), server.keyFile())), provider, List.of(), List.of(),
                List.of(), caFile, ClientAuth.REQUIRED, ClientCertHeaders.none())).start();
    }

    private static OpenSslClient client(ProxyFixture proxy, String protocol) {
        return OpenSslClient.connect(proxy.address()).serverName(NAME).caFile(caFile).protocol(protocol).request(REQUEST);
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aCertificateOfTheConfiguredCaIsServed(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider)) {
            for (String protocol : List.of("-tls1_2", "-tls1_3")) {
                OpenSslResult result = client(proxy, protocol).clientCertificate(alice.certFile(), alice.keyFile()).run();

                assertThat(result.handshake()).as("%s", result).isTrue();
                assertThat(result.output()).as("%s", result).contains("HTTP/1.1 200 OK").contains("hello");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void noCertificateGetsNoAnswer(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider)) {
            for (String protocol : List.of("-tls1_2", "-tls1_3")) {
                OpenSslResult result = client(proxy, protocol).run();

                assertThat(result.timedOut()).as("%s", result).isFalse();
                assertThat(result.output()).as("%s", result).contains("alert").doesNotContain("HTTP/1.1");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aCertificateOfAnotherCaGetsNoAnswer(TlsProvider provider) throws Exception {
        try (ProxyFixture proxy = proxy(provider)) {
            for (String protocol : List.of("-tls1_2", "-tls1_3")) {
                OpenSslResult result = client(proxy, protocol).clientCertificate(mallory.certFile(), mallory.keyFile()).run();

                assertThat(result.timedOut()).as("%s", result).isFalse();
                assertThat(result.output()).as("%s", result).contains("alert").doesNotContain("HTTP/1.1");
            }
        }
    }

    /**
     * A session made where no client certificate was asked for never resumes where one is required:
     * BoringSSL would resume any ticket it can open (every context shares the engine's ticket keys),
     * and asks no certificate on a resumed session. Here the listener is reloaded from {@code none}
     * to {@code required}; two listeners of one engine stand the same way.
     */
    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void aSessionFromWhereNoCertificateWasAskedDoesNotResumeWhereOneIsRequired(TlsProvider provider)
            throws Exception {
        for (String protocol : List.of("-tls1_3", "-tls1_2")) {
            Path session = dir.resolve("open-" + provider + protocol + ".session");
            ProxyFixture.Builder open = ProxyFixture.builder(backend.address()).tls(new TlsConfig(
                    List.of(new CertificateFiles(server.certFile(), server.keyFile())), provider, List.of(), List.of(),
                    List.of(), null, ClientAuth.NONE, ClientCertHeaders.none()));
            try (ProxyFixture proxy = open.start()) {
                OpenSslResult first = client(proxy, protocol).sessionOut(session).run();
                assertThat(first.output()).as("%s", first).contains("hello");
                OpenSslResult again = client(proxy, protocol).sessionIn(session).run();
                assertThat(again.reused()).as("the session resumes where it was made: %s", again).isTrue();

                proxy.engine().reload(ProxyFixture.builder(backend.address()).tls(new TlsConfig(
                        List.of(new CertificateFiles(server.certFile(), server.keyFile())), provider, List.of(),
                        List.of(), List.of(), caFile, ClientAuth.REQUIRED, ClientCertHeaders.none())).config());
                OpenSslResult resumed = client(proxy, protocol).sessionIn(session).run();

                assertThat(resumed.reused()).as("%s %s", protocol, resumed).isFalse();
                assertThat(resumed.output()).as("%s %s", protocol, resumed).doesNotContain("hello");
            }
        }
    }
}
