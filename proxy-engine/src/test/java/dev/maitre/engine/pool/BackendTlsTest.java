package dev.maitre.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.testing.Configs;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each TLS cluster gets one client context; a reload keeps it unless its settings or file contents changed. */
class BackendTlsTest {

    @TempDir
    Path dir;

    private static ProxyConfig config(ClusterTlsConfig tls) {
        ClusterConfig plain = ClusterConfig.of("plain", List.of(BackendConfig.of(HostPort.parse("127.0.0.1:9000"))));
        ClusterConfig secured = ClusterConfig.of("secured", List.of(BackendConfig.of(HostPort.parse("127.0.0.1:9443"))))
                .withTls(tls);
        return Configs.withClusters(plain, secured);
    }

    @Test
    void buildsAContextForEachClusterWithTlsOnly() {
        Map<String, BackendTls> tls = BackendTls.forClusters(config(ClusterTlsConfig.defaults()), Map.of());

        assertThat(tls).containsOnlyKeys("secured");
        assertThat(tls.get("secured").context().isClient()).isTrue();
        assertThat(BackendTls.forClusters(config(new ClusterTlsConfig(false, null, null, true, null, null, List.of())),
                Map.of())).isEmpty();
    }

    @Test
    void offersTheAlpnProtocolsInOrder() {
        ClusterTlsConfig alpn = new ClusterTlsConfig(true, null, null, true, null, null, List.of("h2", "http/1.1"));

        assertThat(BackendTls.forClusters(config(alpn), Map.of()).get("secured").context()
                .applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
    }

    @Test
    void speaksToABackendAsTheServerNameOrElseItsHost() {
        HostPort backend = HostPort.parse("10.0.0.7:9443");
        BackendTls byHost = BackendTls.forClusters(config(ClusterTlsConfig.defaults()), Map.of()).get("secured");
        BackendTls byName = BackendTls.forClusters(config(ClusterTlsConfig.defaults().withServerName("api.internal")),
                Map.of()).get("secured");

        assertThat(byHost.peerHost(backend)).isEqualTo("10.0.0.7");
        assertThat(byName.peerHost(backend)).isEqualTo("api.internal");
    }

    @Test
    void aReloadKeepsTheContextWhenNothingChangedAndRebuildsItWhenTheCaFileDid() throws Exception {
        TestCertificates.Authority first = TestCertificates.authority("first CA");
        Path caFile = first.writeCertificate(dir, "ca.pem");
        ProxyConfig config = config(ClusterTlsConfig.defaults().withCaFile(caFile));
        Map<String, BackendTls> before = BackendTls.forClusters(config, Map.of());

        assertThat(BackendTls.forClusters(config, before).get("secured")).isSameAs(before.get("secured"));

        TestCertificates.authority("renewed CA").writeCertificate(dir, "ca.pem");
        assertThat(BackendTls.forClusters(config, before).get("secured")).isNotSameAs(before.get("secured"));
    }

    @Test
    void aCaFileThatHoldsNoCertificateFailsNamingTheKey() throws Exception {
        Path caFile = Files.writeString(dir.resolve("ca.pem"), "not a certificate");

        assertThatThrownBy(() -> BackendTls.forClusters(config(ClusterTlsConfig.defaults().withCaFile(caFile)),
                Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("clusters[1].tls.caFile: " + caFile + " (expected: a PEM file of CA certificates");
    }

    @Test
    void aKeyFileThatHoldsNoKeyFailsNamingTheKey() throws Exception {
        PemFiles client = TestCertificates.authority("client CA").issue(KeyKind.RSA, "client").write(dir, "client");
        Path keyFile = Files.writeString(dir.resolve("bad.key"), "not a key");

        assertThatThrownBy(() -> BackendTls.forClusters(config(ClusterTlsConfig.defaults()
                .withClientCertificate(client.certFile(), keyFile)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("clusters[1].tls.keyFile: " + keyFile);
    }

    @Test
    void aCertFileThatHoldsNoCertificateFailsNamingTheKey() throws Exception {
        PemFiles client = TestCertificates.authority("client CA").issue(KeyKind.RSA, "client").write(dir, "client");
        Path certFile = Files.writeString(dir.resolve("bad.pem"), "not a certificate");

        assertThatThrownBy(() -> BackendTls.forClusters(config(ClusterTlsConfig.defaults()
                .withClientCertificate(certFile, client.keyFile())), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("clusters[1].tls.certFile: " + certFile);
    }
}
