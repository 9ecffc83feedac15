package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TlsBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A tcp listener relaying to a cluster with {@code tls}: maitre originates TLS and relays the plain bytes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpToTlsClusterIT {

    @TempDir
    Path dir;

    /** Splice, when asked for (only a configuration built in code can), is not used: bytes must pass TLS. */
    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void clearBytesFromTheClientReachTheBackendOverTls(RelayMode mode) throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("relay CA");
        Path caFile = ca.writeCertificate(dir, "ca.pem");
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, "db.test")).echo().start();
             ProxyFixture proxy = TcpPeers.relay(mode, backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName("db.test")).start();
             RawClient client = proxy.client()) {
            client.socket().setSoTimeout(10_000);
            client.send("hello over the relay");

            assertThat(TcpPeers.readText(client.input(), 20)).isEqualTo("hello over the relay");
            assertThat(backend.handshakes()).singleElement()
                    .satisfies(handshake -> assertThat(handshake.serverName()).isEqualTo("db.test"));
            assertThat(backend.clearTextConnections()).isZero();
        }
    }

    @Test
    void theClientsEndOfInputReachesTheTlsBackendAndItsAnswerComesBack() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("relay CA");
        Path caFile = ca.writeCertificate(dir, "ca.pem");
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, "db.test")).echo().start();
             ProxyFixture proxy = TcpPeers.relay(RelayMode.BUFFERED, backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName("db.test")).start();
             RawClient client = proxy.client()) {
            client.socket().setSoTimeout(10_000);
            client.send("all of it");
            client.socket().shutdownOutput();

            assertThat(TcpPeers.readAllText(client.input())).isEqualTo("all of it");
            assertThat(backend.cleanEnds()).as("ends of input the backend saw with a close_notify").isOne();
        }
    }

    @Test
    void aBackendWhoseCertificateDoesNotVerifyGetsNoBytes() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("relay CA");
        TestCertificates.Authority other = TestCertificates.authority("another CA");
        Path caFile = ca.writeCertificate(dir, "ca.pem");
        try (TlsBackend backend = TlsBackend.presenting(other.issue(KeyKind.ECDSA, "db.test")).echo().start();
             ProxyFixture proxy = TcpPeers.relay(RelayMode.BUFFERED, backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName("db.test")).start();
             RawClient client = proxy.client()) {
            client.send("secret".getBytes(StandardCharsets.US_ASCII));

            assertThat(client.isClosedByPeer(10_000)).isTrue();
            assertThat(backend.awaitSettled()).isPositive();
            assertThat(backend.handshakes()).isEmpty();
            assertThat(backend.clearTextConnections()).isZero();
        }
    }
}
