package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.MaitreProcess;
import dev.maitre.testing.Ports;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CheckIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void printsTheHealthWindowsOfTheDefaultTiming() throws Exception {
        Path config = ConfigFiles.write(dir, "maitre.yaml", checkedCluster(""));

        try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", config.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).contains(
                    "is valid",
                    "refused or reset  18-33 s",
                    "black hole        20-35 s",
                    "recovery          9-22 s");
            assertThat(maitre.stdout()).doesNotContain("warning");
        }
    }

    @Test
    void warnsAboutAnUnusualIntervalButStillExitsZero() throws Exception {
        Path config = ConfigFiles.write(dir, "maitre.yaml", checkedCluster("""
                      interval: 5s
                      timeout: 1s
                """));

        try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", config.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).contains("warning: healthCheck.interval: 5s (recommended: 10s to 30s)");
        }
    }

    @Test
    void bindsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = ConfigFiles.write(dir, "maitre.yaml",
                    ConfigFiles.proxy(Ports.refusing().port(), taken.getLocalPort(), 9, "30s"));

            try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", config.toString())) {
                assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            }
        }
    }

    @Test
    void listsTheCertificatesOfTlsListenersAndWarnsOfOneExpiringSoon() throws Exception {
        Authority authority = TestCertificates.authority("maitre test CA");
        authority.issue(KeyKind.ECDSA, Instant.now().plus(Duration.ofDays(10)), "shop.example.test").write(dir, "shop");
        Path config = ConfigFiles.write(dir, "maitre.yaml", tlsListener("shop.pem", "shop.key"));

        try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", config.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).contains(
                    "tls certificates:\n  web: " + dir.resolve("shop.pem"),
                    "; subject CN=shop.example.test; names shop.example.test; EC key; expires ",
                    "    warning: listeners[0].tls: certFile " + dir.resolve("shop.pem") + " expires in 9 days");
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesFailsTheCheckNamingTheKeyFile() throws Exception {
        Authority authority = TestCertificates.authority("maitre test CA");
        authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "shop");
        authority.issue(KeyKind.ECDSA, "other.example.test").write(dir, "other");
        Path config = ConfigFiles.write(dir, "maitre.yaml", tlsListener("shop.pem", "other.key"));

        try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", config.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.output()).contains("listeners[0].tls: keyFile " + dir.resolve("other.key")
                    + ": the key does not match the certificate in " + dir.resolve("shop.pem"));
            assertThat(maitre.stdout()).doesNotContain("is valid");
        }
    }

    private static String tlsListener(String certFile, String keyFile) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8443
                    protocol: http
                    tls: { certFile: %s, keyFile: %s }
                    routes:
                      - cluster: api
                clusters:
                  - name: api
                    backends:
                      - address: 10.0.0.11:8080
                """.formatted(certFile, keyFile);
    }

    /** A configuration whose one cluster is checked over HTTP with the default timing plus {@code timing}. */
    private static String checkedCluster(String timing) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    protocol: http
                    routes:
                      - cluster: api
                clusters:
                  - name: api
                    balancer: round_robin
                    backends:
                      - address: 10.0.0.11:8080
                      - address: 10.0.0.12:8080
                    healthCheck:
                      protocol: http
                      path: /healthz
                """ + timing;
    }
}
