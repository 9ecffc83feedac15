package dev.maitre.server.check;

import static dev.maitre.testing.Configs.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code --check} says of the certificates of TLS listeners: each listed with its file, subject,
 * names, key type and expiry; a warning for one that expires within 30 days; a key that is not the
 * certificate's, or a certificate already expired, fails the check, naming the file.
 */
class CertificateCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-05T09:00:00Z");

    @TempDir
    static Path dir;

    private static Authority authority;
    private static PemFiles shop;
    private static PemFiles soon;
    private static PemFiles expired;

    @BeforeAll
    static void certificates() {
        authority = TestCertificates.authority("maitre test CA");
        shop = authority.issue(KeyKind.ECDSA, NOW.plus(Duration.ofDays(200)), "shop.example.test", "www.shop.example.test")
                .write(dir, "shop");
        soon = authority.issue(KeyKind.RSA, NOW.plus(Duration.ofDays(12)).plusSeconds(60), "api.example.test")
                .write(dir, "soon");
        expired = authority.issue(KeyKind.ECDSA, NOW.minus(Duration.ofDays(3)), "old.example.test").write(dir, "old");
    }

    @Test
    void listsEachCertificateWithItsSubjectNamesKeyTypeAndExpiry() throws Exception {
        ProxyConfig config = config(tls(shop.certFile(), shop.keyFile()));

        String report = CheckReport.of("maitre.yaml", config, CertificateCheck.load(config, NOW), NOW);

        assertThat(report).contains("tls certificates:\n  web: " + shop.certFile() + " (key " + shop.keyFile()
                + "); subject CN=shop.example.test; names shop.example.test, www.shop.example.test; EC key; expires "
                + NOW.plus(Duration.ofDays(200)) + " (in 200 days)\n");
        assertThat(report).doesNotContain("warning");
    }

    @Test
    void warnsOfACertificateThatExpiresWithin30Days() throws Exception {
        ProxyConfig config = config(tls(shop.certFile(), shop.keyFile(), soon.certFile(), soon.keyFile()));

        String report = CheckReport.of("maitre.yaml", config, CertificateCheck.load(config, NOW), NOW);

        assertThat(report).contains("; RSA key; expires " + NOW.plus(Duration.ofDays(12)).plusSeconds(60) + " (in 12 days)\n"
                + "    warning: listeners[0].tls.certificates[1]: certFile " + soon.certFile()
                + " expires in 12 days (recommended: renewed more than 30 days before it expires)\n");
        assertThat(report.lines().filter(line -> line.contains("warning"))).hasSize(1);
    }

    @Test
    void aKeyThatIsNotTheCertificatesFailsNamingTheKeyFile() {
        ProxyConfig config = config(tls(shop.certFile(), soon.keyFile()));

        assertThatThrownBy(() -> CertificateCheck.load(config, NOW))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
                        .hasToString("listeners[0].tls: keyFile " + soon.keyFile() + ": the key does not match the "
                                + "certificate in " + shop.certFile() + " (CN=shop.example.test)"));
    }

    @Test
    void anExpiredCertificateFailsTheCheck() {
        ProxyConfig config = config(tls(expired.certFile(), expired.keyFile()));

        assertThatThrownBy(() -> CertificateCheck.load(config, NOW))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
                        .hasToString("listeners[0].tls: certFile " + expired.certFile() + ": CN=old.example.test "
                                + "expired on " + NOW.minus(Duration.ofDays(3)) + ", 3 days ago "
                                + "(expected: a certificate valid now; renew it)"));
    }

    @Test
    void aClientCaFileWithoutCertificatesFailsTheCheckAsItWouldTheStart() throws Exception {
        Path notCa = java.nio.file.Files.writeString(dir.resolve("not-a-ca.pem"), "no certificates here\n");
        ProxyConfig config = config(new TlsConfig(List.of(new CertificateFiles(shop.certFile(), shop.keyFile())),
                TlsProvider.AUTO, List.of(), List.of(), List.of(), notCa, ClientAuth.REQUIRED,
                ClientCertHeaders.none()));

        assertThatThrownBy(() -> CertificateCheck.load(config, NOW))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
                        .hasToString("listeners[0].tls: clientCa " + notCa + ": no PEM certificate "
                                + "(-----BEGIN CERTIFICATE-----) in the file"));
    }

    @Test
    void aConfigurationWithoutTlsHasNoCertificatesToList() throws Exception {
        ProxyConfig config = config(null);

        assertThat(CertificateCheck.load(config, NOW)).isEmpty();
        assertThat(CheckReport.of("maitre.yaml", config, List.of(), NOW)).doesNotContain("tls certificates");
    }

    /** {@code files}: certificate and key file, in pairs. */
    private static TlsConfig tls(Path... files) {
        List<CertificateFiles> certificates = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i += 2) {
            certificates.add(new CertificateFiles(files[i], files[i + 1]));
        }
        return new TlsConfig(certificates, TlsProvider.AUTO, List.of(), List.of(), List.of(), null, ClientAuth.NONE,
                ClientCertHeaders.none());
    }

    private static ProxyConfig config(TlsConfig tls) {
        ListenerConfig web = new ListenerConfig("web", HostPort.parse("0.0.0.0:8443"), Protocol.HTTP,
                List.of(RouteConfig.catchAll("api")), null, tls, ListenerTimeouts.defaults(), ListenerLimits.defaults());
        return new ProxyConfig(AdminConfig.defaults(), 2, Duration.ofSeconds(30), AccessLogConfig.defaults(),
                List.of(web), List.of(cluster("api", "10.0.0.11:8080")));
    }
}
