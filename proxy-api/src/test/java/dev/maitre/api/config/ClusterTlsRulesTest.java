package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTlsRulesTest {

    @TempDir
    Path dir;

    private ClusterConfig bindCluster(ConfigTree tree) throws ConfigException {
        return ConfigBinder.bind(tree.root(), path -> 0, dir).clusters().get(0);
    }

    private ListAssert<String> assertThatErrors(ConfigTree tree) {
        try {
            ConfigBinder.bind(tree.root(), path -> 0, dir);
        } catch (ConfigException e) {
            return assertThat(e.errors().stream().map(ConfigError::toString).toList());
        }
        throw new AssertionError("expected errors");
    }

    private static ConfigTree withTls(Object tls) {
        return ConfigTree.minimal().set("clusters[0].tls", tls);
    }

    private void write(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void aClusterWithoutTlsSpeaksClearText() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal());

        assertThat(cluster.tls()).isNull();
        assertThat(cluster.tlsEnabled()).isFalse();
    }

    @Test
    void anEmptySectionTurnsTlsOnWithEveryDefault() throws ConfigException {
        ClusterConfig cluster = bindCluster(withTls(map()));

        assertThat(cluster.tls()).isEqualTo(ClusterTlsConfig.defaults());
        assertThat(cluster.tls()).isEqualTo(new ClusterTlsConfig(true, null, null, true, null, null, List.of()));
        assertThat(cluster.tlsEnabled()).isTrue();
    }

    @Test
    void bindsEveryKeyWithFilesRelativeToTheBaseDirectory() throws Exception {
        write("ca.pem");
        write("client/cert.pem");
        write("client/key.pem");

        ClusterTlsConfig tls = bindCluster(withTls(map("enabled", true, "caFile", "ca.pem",
                "serverName", "api.internal", "verify", true, "certFile", "client/cert.pem",
                "keyFile", "client/key.pem", "alpn", list("h2", "http/1.1")))).tls();

        assertThat(tls).isEqualTo(new ClusterTlsConfig(true, dir.resolve("ca.pem"), "api.internal", true,
                dir.resolve("client/cert.pem"), dir.resolve("client/key.pem"), List.of("h2", "http/1.1")));
    }

    @Test
    void enabledFalseKeepsClearText() throws ConfigException {
        ClusterConfig cluster = bindCluster(withTls(map("enabled", false, "verify", false)));

        assertThat(cluster.tls().enabled()).isFalse();
        assertThat(cluster.tlsEnabled()).isFalse();
    }

    @Test
    void acceptsAnIpAddressAsServerName() throws ConfigException {
        assertThat(bindCluster(withTls(map("serverName", "10.0.0.7"))).tls().serverName()).isEqualTo("10.0.0.7");
        assertThat(bindCluster(withTls(map("serverName", "::1"))).tls().serverName()).isEqualTo("::1");
    }

    @Test
    void rejectsAnUnknownKey() {
        assertThatErrors(withTls(map("ca", "ca.pem"))).containsExactly(
                "clusters[0].tls.ca: unknown key (expected one of: enabled, caFile, serverName, verify, certFile, "
                        + "keyFile, alpn)");
    }

    @Test
    void rejectsASectionThatIsNotAMapping() {
        assertThatErrors(withTls(true)).containsExactly("clusters[0].tls: true (expected: a mapping)");
    }

    @Test
    void rejectsACaFileThatDoesNotExist() {
        assertThatErrors(withTls(map("caFile", "ca.pem"))).containsExactly(
                "clusters[0].tls.caFile: ca.pem (expected: a readable PEM file of CA certificates; leave caFile out "
                        + "for the JDK's default trust store; " + dir.resolve("ca.pem") + " does not exist)");
    }

    @Test
    void rejectsACaFileThatIsADirectory() {
        assertThatErrors(withTls(map("caFile", "."))).containsExactly(
                "clusters[0].tls.caFile: . (expected: a readable PEM file of CA certificates; leave caFile out "
                        + "for the JDK's default trust store; " + dir + " is not a file)");
    }

    @Test
    void requiresKeyFileWithCertFile() throws IOException {
        write("cert.pem");

        assertThatErrors(withTls(map("certFile", "cert.pem"))).containsExactly(
                "clusters[0].tls.keyFile: missing (expected: a readable PEM private key file, given with certFile)");
    }

    @Test
    void requiresCertFileWithKeyFile() throws IOException {
        write("key.pem");

        assertThatErrors(withTls(map("keyFile", "key.pem"))).containsExactly(
                "clusters[0].tls.certFile: missing (expected: a readable PEM certificate file, given with keyFile)");
    }

    @Test
    void rejectsClientCertificateFilesThatDoNotExist() {
        assertThatErrors(withTls(map("certFile", "cert.pem", "keyFile", "key.pem"))).containsExactly(
                "clusters[0].tls.certFile: cert.pem (expected: a readable PEM certificate file, given with keyFile; "
                        + dir.resolve("cert.pem") + " does not exist)",
                "clusters[0].tls.keyFile: key.pem (expected: a readable PEM private key file, given with certFile; "
                        + dir.resolve("key.pem") + " does not exist)");
    }

    @Test
    void rejectsAServerNameThatIsNotAHostName() {
        assertThatErrors(withTls(map("serverName", "api internal"))).containsExactly(
                "clusters[0].tls.serverName: api internal (expected: a host name such as backend.internal, "
                        + "or an IP address)");
        assertThatErrors(withTls(map("serverName", "*.internal"))).containsExactly(
                "clusters[0].tls.serverName: *.internal (expected: a host name such as backend.internal, "
                        + "or an IP address)");
    }

    @Test
    void rejectsVerifyThatIsNotABoolean() {
        assertThatErrors(withTls(map("verify", "no"))).singleElement().asString()
                .startsWith("clusters[0].tls.verify: no (expected: ");
    }

    @Test
    void rejectsEnabledThatIsNotABoolean() {
        assertThatErrors(withTls(map("enabled", "yes please"))).singleElement().asString()
                .startsWith("clusters[0].tls.enabled: yes please (expected: ");
    }

    @Test
    void rejectsAnEmptyAlpnList() {
        assertThatErrors(withTls(map("alpn", list()))).containsExactly(
                "clusters[0].tls.alpn: empty (expected: a list of protocol names such as [h2, http/1.1]; "
                        + "leave alpn out to offer none)");
    }

    @Test
    void rejectsAlpnThatIsNotAList() {
        assertThatErrors(withTls(map("alpn", "h2"))).containsExactly("clusters[0].tls.alpn: h2 (expected: a list)");
    }

    @Test
    void rejectsABlankOrRepeatedAlpnProtocol() {
        assertThatErrors(withTls(map("alpn", list("h2", "", "h2", "http 1.1")))).containsExactly(
                "clusters[0].tls.alpn[1]: \"\" (expected: a protocol name such as h2 or http/1.1 "
                        + "(printable ASCII, 1-255 bytes))",
                "clusters[0].tls.alpn[2]: h2 (expected: a protocol not listed before)",
                "clusters[0].tls.alpn[3]: http 1.1 (expected: a protocol name such as h2 or http/1.1 "
                        + "(printable ASCII, 1-255 bytes))");
    }

    @Test
    void rejectsSpliceFromATcpListenerToATlsCluster() {
        ConfigTree tree = withTls(map()).set("listeners[0]",
                map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web", "relay", "splice"));

        assertThatErrors(tree).containsExactly("listeners[0].relay: splice (expected: buffered to cluster web, "
                + "which has tls; splice moves bytes the proxy never sees, so it cannot encrypt them)");
    }

    @Test
    void splicesToAClusterWhoseTlsIsOff() throws ConfigException {
        ConfigTree tree = withTls(map("enabled", false)).set("listeners[0]",
                map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web", "relay", "splice"));

        assertThat(ConfigBinder.bind(tree.root(), path -> 0, dir).listeners().get(0).relay())
                .isEqualTo(RelayMode.SPLICE);
    }
}
