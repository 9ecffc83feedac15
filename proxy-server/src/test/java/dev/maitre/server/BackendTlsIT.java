package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.server.reload.ReloadResult;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TlsBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clusters[].tls} from the YAML file to the backend: requests and health checks share the
 * cluster's client context, a reload picks up a renewed CA bundle under the same name, and a file that
 * holds no certificate is refused naming its key.
 */
@Timeout(60)
class BackendTlsIT {

    private static final String NAME = "backend.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private MaitreServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop("test over");
        }
    }

    private Path config(int backendPort) throws Exception {
        return ConfigFiles.write(dir, "maitre.yaml", """
                admin:
                  bind: 127.0.0.1:0
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    backends:
                      - address: 127.0.0.1:%d
                    tls:
                      caFile: ca.pem
                      serverName: %s
                    healthCheck:
                      protocol: http
                      path: /healthz
                      interval: 300ms
                      timeout: 250ms
                      unhealthyThreshold: 1
                      healthyThreshold: 1
                """.formatted(backendPort, NAME));
    }

    private int status() throws Exception {
        return client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.address("web").getPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The backend as {@code GET /api/clusters} shows it. */
    private JsonNode backendHealth() throws Exception {
        String body = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminAddress().getPort()
                + "/api/clusters")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body).at("/clusters/0/backends/0");
    }

    private String state() throws Exception {
        return backendHealth().path("state").asText();
    }

    private String lastReason() throws Exception {
        return backendHealth().at("/lastCheck/reason").asText();
    }

    @Test
    void requestsAndHealthChecksSpeakTlsAndARenewedCaFileIsPickedUpByAReload() throws Exception {
        TestCertificates.Authority oldCa = TestCertificates.authority("old CA");
        TestCertificates.Authority newCa = TestCertificates.authority("new CA");
        oldCa.writeCertificate(dir, "ca.pem");
        try (TlsBackend backend = TlsBackend.presenting(newCa.issue(KeyKind.RSA, NAME)).start()) {
            Path file = config(backend.address().port());
            server = MaitreServer.start(YamlConfigLoader.load(file), file);

            await().atMost(Duration.ofSeconds(10)).until(() -> state().equals("UNHEALTHY"));
            assertThat(lastReason()).isEqualTo("tls: certificate not trusted");
            assertThat(status()).isEqualTo(503);
            assertThat(backend.requests()).isEmpty();

            newCa.writeCertificate(dir, "ca.pem");
            ReloadResult reloaded = server.reload("test");

            assertThat(reloaded.outcome()).isEqualTo(ReloadResult.Outcome.RELOADED);
            assertThat(reloaded.details()).contains("cluster app: tls files renewed");
            await().atMost(Duration.ofSeconds(10)).until(() -> state().equals("HEALTHY"));
            assertThat(lastReason()).isEqualTo("status 200");
            assertThat(status()).isEqualTo(200);
            assertThat(backend.requests()).extracting(request -> request.target()).contains("/", "/healthz");
            assertThat(backend.clearTextConnections()).isZero();
        }
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsAConfigurationErrorNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        Path file = config(9);

        assertThatThrownBy(() -> YamlConfigLoader.load(file)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.errors()).extracting(ConfigError::toString).singleElement().asString()
                        .startsWith("clusters[0].tls.caFile: " + dir.resolve("ca.pem")
                                + " (expected: a PEM file of CA certificates;"));
    }

    @Test
    void aReloadWithACaFileThatHoldsNoCertificateChangesNothing() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("CA");
        ca.writeCertificate(dir, "ca.pem");
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, NAME)).start()) {
            Path file = config(backend.address().port());
            server = MaitreServer.start(YamlConfigLoader.load(file), file);
            assertThat(status()).isEqualTo(200);

            Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
            ReloadResult refused = server.reload("test");

            assertThat(refused.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
            assertThat(refused.details()).singleElement().asString().startsWith("clusters[0].tls.caFile: ");
            assertThat(status()).isEqualTo(200);
        }
    }
}
