package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.testing.MaitreProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code admin.token} and {@code admin.tokenFile}: every admin request but the probes and the
 * dashboard page bears the token; a reload reads the file again; off loopback the token is required.
 */
@Timeout(60)
class AdminTokenIT {

    private static final String TOKEN = "first-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer backend;
    private Path tokenFile;
    private MaitreServer server;
    private String drain;

    @BeforeEach
    void startMaitreWithATokenFile() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            try (exchange; OutputStream body = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                body.write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        backend.start();
        tokenFile = Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        Path config = ConfigFiles.write(dir, "maitre.yaml", """
                admin:
                  bind: 127.0.0.1:0
                  tokenFile: admin.token
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
                """.formatted(backend.getAddress().getPort()));
        server = MaitreServer.start(YamlConfigLoader.load(config), config);
        drain = "/api/clusters/app/backends/127.0.0.1:" + backend.getAddress().getPort() + "/drain";
    }

    @AfterEach
    void stopEverything() {
        if (server != null) {
            server.stop("test over");
        }
        backend.stop(0);
    }

    @Test
    void withoutTheTokenTheApiAnswers401AndChangesNothing() throws Exception {
        HttpResponse<String> none = send("GET", "/api/clusters", null);
        HttpResponse<String> wrong = send("GET", "/api/clusters", "Bearer not-" + TOKEN);
        HttpResponse<String> basic = send("GET", "/metrics", "Basic " + TOKEN);
        HttpResponse<String> drained = send("POST", drain, null);

        for (HttpResponse<String> answer : List.of(none, wrong, basic, drained)) {
            assertThat(answer.statusCode()).as(answer.request().uri().toString()).isEqualTo(401);
            assertThat(answer.headers().firstValue("www-authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer"));
            assertThat(answer.body()).contains("admin.token").doesNotContain(TOKEN);
        }
        assertThat(send("GET", "/api/clusters", "Bearer " + TOKEN).body()).contains("\"HEALTHY\"");
    }

    @Test
    void withTheTokenAPlainPostWorksAsWithCurl() throws Exception {
        HttpResponse<String> drained = send("POST", drain, "Bearer " + TOKEN);

        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        assertThat(drained.body()).contains("\"DRAINING\"");
    }

    @Test
    void theProbesAndTheDashboardPageNeedNoToken() throws Exception {
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/ready", null).statusCode()).isEqualTo(200);
        HttpResponse<String> page = send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>maitre").doesNotContain(TOKEN);
    }

    @Test
    void aReloadReadsTheTokenFileAgain() throws Exception {
        Files.writeString(tokenFile, "second-token-9876543210");

        HttpResponse<String> reload = send("POST", "/api/reload", "Bearer " + TOKEN);

        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(reload.body()).contains("admin token changed").doesNotContain("second-token");
        assertThat(send("GET", "/api/clusters", "Bearer " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/clusters", "Bearer second-token-9876543210").statusCode()).isEqualTo(200);
    }

    @Test
    void anAdminAddressOffLoopbackWithoutATokenIsAnInvalidConfiguration() throws Exception {
        Path open = ConfigFiles.write(dir, "open.yaml", """
                admin:
                  bind: 0.0.0.0:9901
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9
                """);

        try (MaitreProcess maitre = MaitreProcess.start("--config", open.toString())) {
            assertThat(maitre.awaitExit(Duration.ofSeconds(30))).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.stderr()).contains("admin.bind: 0.0.0.0:9901 is not a loopback address "
                    + "(expected: admin.token or admin.tokenFile) (line 2)");
        }
    }

    private HttpResponse<String> send(String method, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + server.adminAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
