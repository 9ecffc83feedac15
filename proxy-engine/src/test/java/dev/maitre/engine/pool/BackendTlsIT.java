package dev.maitre.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import dev.maitre.testing.TlsBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** maitre speaks TLS to a cluster's backends: verified, failing closed, with client certificates and resumption. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendTlsIT {

    private static final String NAME = "backend.test";

    @TempDir
    static Path dir;

    private static TestCertificates.Authority ca;
    private static TestCertificates.Authority otherCa;
    private static Path caFile;
    private static PemFiles clientCertificate;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.authority("maitre test CA");
        otherCa = TestCertificates.authority("someone else's CA");
        caFile = ca.writeCertificate(dir, "ca.pem");
        clientCertificate = ca.issue(KeyKind.ECDSA, "maitre.test").write(dir, "client");
    }

    private static TlsBackend.Builder backend(TestCertificates.Authority issuer) {
        return TlsBackend.presenting(issuer.issue(KeyKind.RSA, NAME));
    }

    private static ClusterTlsConfig trusting(Path ca) {
        return ClusterTlsConfig.defaults().withCaFile(ca).withServerName(NAME);
    }

    private static HttpMessage get(ProxyFixture proxy) throws Exception {
        try (RawClient client = proxy.client()) {
            return client.get("/");
        }
    }

    @Test
    void proxiesARequestOverTlsSendingTheServerName() throws Exception {
        try (TlsBackend backend = backend(ca).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).clusterTls(trusting(caFile)).start()) {
            HttpMessage response = get(proxy);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("over tls");
            assertThat(backend.requests()).hasSize(1);
            assertThat(backend.handshakes()).singleElement().satisfies(handshake -> {
                assertThat(handshake.serverName()).isEqualTo(NAME);
                assertThat(handshake.protocol()).isIn("TLSv1.3", "TLSv1.2");
            });
            assertThat(backend.clearTextConnections()).isZero();
        }
    }

    @Test
    void aCertificateFromAnotherAuthorityIsA502AndNothingIsSentInClearText() throws Exception {
        try (TlsBackend backend = backend(otherCa).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).clusterTls(trusting(caFile)).start()) {
            assertThat(get(proxy).status()).isEqualTo(502);

            assertThat(backend.awaitSettled()).isPositive();
            assertThat(backend.requests()).isEmpty();
            assertThat(backend.handshakes()).isEmpty();
            assertThat(backend.clearTextConnections()).isZero();
            assertThat(backend.failedHandshakes()).isNotEmpty();
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.CONNECT_FAILURE);
        }
    }

    @Test
    void aCertificateForAnotherNameFailsClosed() throws Exception {
        try (TlsBackend backend = backend(ca).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(trusting(caFile).withServerName("other.test")).start()) {
            assertThat(get(proxy).status()).isEqualTo(502);

            assertThat(backend.awaitSettled()).isPositive();
            assertThat(backend.requests()).isEmpty();
            assertThat(backend.handshakes()).isEmpty();
            assertThat(backend.clearTextConnections()).isZero();
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.CONNECT_FAILURE);
        }
    }

    @Test
    void anIpLiteralIsVerifiedAgainstTheCertificatesIpAddresses() throws Exception {
        // the certificate names backend.test only; 127.0.0.1 is not in it
        try (TlsBackend backend = backend(ca).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile)).start()) {
            assertThat(get(proxy).status()).isEqualTo(502);

            assertThat(backend.awaitSettled()).isPositive();
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void aFailedHandshakeIsRetriedOnAnotherBackend() throws Exception {
        try (TlsBackend impostor = backend(otherCa).answering("impostor").start();
             TlsBackend genuine = backend(ca).answering("genuine").start();
             ProxyFixture proxy = ProxyFixture.builder(impostor.address(), genuine.address())
                     .clusterTls(trusting(caFile)).retries(1).start()) {
            for (int i = 0; i < 4; i++) {
                assertThat(get(proxy).bodyText()).isEqualTo("genuine");
            }
            assertThat(impostor.requests()).isEmpty();
            assertThat(proxy.outcomes()).extracting(Outcome::kind).contains(Outcome.Kind.CONNECT_FAILURE);
        }
    }

    @Test
    void verifyFalseConnectsToAnyCertificate() throws Exception {
        try (TlsBackend backend = backend(otherCa).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(trusting(caFile).withServerName("other.test").withVerify(false)).start()) {
            assertThat(get(proxy).status()).isEqualTo(200);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void presentsTheClientCertificateABackendRequires() throws Exception {
        try (TlsBackend backend = backend(ca).requireClientCertificate(ca).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(trusting(caFile)
                             .withClientCertificate(clientCertificate.certFile(), clientCertificate.keyFile()))
                     .start()) {
            assertThat(get(proxy).status()).isEqualTo(200);

            assertThat(backend.handshakes()).singleElement()
                    .satisfies(handshake -> assertThat(handshake.clientSubject()).contains("CN=maitre.test"));
        }
    }

    @Test
    void withoutAClientCertificateABackendThatRequiresOneServesNothing() throws Exception {
        try (TlsBackend backend = backend(ca).requireClientCertificate(ca).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).clusterTls(trusting(caFile)).start()) {
            assertThat(get(proxy).status()).isEqualTo(502);

            assertThat(backend.awaitSettled()).isPositive();
            assertThat(backend.requests()).isEmpty();
            assertThat(backend.handshakes()).isEmpty();
            // TLS 1.3: the backend refuses after the client's side of the handshake completed, so the
            // request's first exchange fails, rather than the connect
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.RESET);
        }
    }

    @Test
    void aSecondConnectionResumesTheSession() throws Exception {
        // TLS 1.2, whose resumed session the JDK's backend shows; no idle connections are kept, so
        // that every request opens a connection
        try (TlsBackend backend = backend(ca).protocols("TLSv1.2").start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).clusterTls(trusting(caFile))
                     .pool(0, Duration.ofSeconds(30)).workers(1).start()) {
            assertThat(get(proxy).status()).isEqualTo(200);
            assertThat(get(proxy).status()).isEqualTo(200);

            assertThat(backend.handshakes()).hasSize(2);
            TlsBackend.Handshake first = backend.handshakes().get(0);
            TlsBackend.Handshake second = backend.handshakes().get(1);
            // resumed from a session ticket, the session has a new id but keeps when it was made
            assertThat(second.sessionCreated()).isEqualTo(first.sessionCreated());
        }
    }
}
