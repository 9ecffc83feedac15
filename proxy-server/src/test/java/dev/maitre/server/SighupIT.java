package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.maitre.testing.MaitreProcess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP reloads the configuration file of the packaged jar, which keeps running. */
@Timeout(90)
class SighupIT {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer first;
    private HttpServer second;
    private int proxyPort;
    private Path config;
    private MaitreProcess maitre;

    @BeforeEach
    void startMaitreOnTheFirstBackend() throws Exception {
        first = backend("first");
        second = backend("second");
        config = ConfigFiles.write(dir, "maitre.yaml", ConfigFiles.proxy(0, 0, first.getAddress().getPort(), "2s"));
        maitre = MaitreProcess.start("--config", config.toString());
        proxyPort = maitre.awaitListenerPort("web", Duration.ofSeconds(30));
        maitre.awaitListening(proxyPort, Duration.ofSeconds(30));
        // the listener binds before start-up ends; a SIGHUP before then is only logged
        maitre.awaitStdout("started in", Duration.ofSeconds(30));
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (maitre != null) {
                maitre.close();
            }
        } finally {
            first.stop(0);
            second.stop(0);
        }
    }

    @Test
    void sighupAppliesTheEditedFileAndMaitreKeepsRunning() throws Exception {
        assertThat(get()).isEqualTo("first");
        ConfigFiles.write(dir, "maitre.yaml",
                ConfigFiles.proxy(0, 0, second.getAddress().getPort(), "2s"));

        maitre.hangUp();

        maitre.awaitStdout("SIGHUP: configuration reloaded", Duration.ofSeconds(10));
        assertThat(get()).isEqualTo("second");
        assertThat(maitre.isAlive()).isTrue();
    }

    @Test
    void sighupWithABadFileChangesNothingAndMaitreKeepsRunning() throws Exception {
        ConfigFiles.write(dir, "maitre.yaml", "listeners: [\n");

        maitre.hangUp();

        maitre.awaitStdout("SIGHUP: configuration not reloaded, nothing changed", Duration.ofSeconds(10));
        assertThat(get()).isEqualTo("first");
        maitre.terminate();
        assertThat(maitre.awaitExit(Duration.ofSeconds(10))).as(maitre.output()).isZero();
    }

    private String get() {
        return await().atMost(Duration.ofSeconds(5)).until(() -> client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()), answer -> answer.statusCode() == 200).body();
    }

    private static HttpServer backend(String name) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.createContext("/", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.getRequestBody().readAllBytes();
                byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                out.write(bytes);
            }
        });
        http.start();
        return http;
    }
}
