package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import dev.maitre.testing.MaitreProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shutdownDelay}: from SIGTERM on, {@code GET /ready} says 503 so that a load balancer or
 * Kubernetes stops sending new clients, while the listeners go on serving for the delay; then the
 * grace period as usual.
 */
@Timeout(90)
class ShutdownDelayIT {

    private static final Duration DELAY = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer backend;
    private int adminPort;
    private int proxyPort;
    private MaitreProcess maitre;

    @BeforeEach
    void startBackendAndMaitre() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            try (exchange; OutputStream body = exchange.getResponseBody()) {
                byte[] bytes = "served\n".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                body.write(bytes);
            }
        });
        backend.start();
        Path config = ConfigFiles.write(dir, "maitre.yaml", "shutdownDelay: 4s\n" + ConfigFiles.proxy(
                0, 0, backend.getAddress().getPort(), "5s"));
        maitre = MaitreProcess.start("--config", config.toString());
        proxyPort = maitre.awaitListenerPort("web", Duration.ofSeconds(30));
        maitre.awaitListening(proxyPort, Duration.ofSeconds(30));
        adminPort = maitre.awaitAdminPort(Duration.ofSeconds(10));
        maitre.awaitListening(adminPort, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (maitre != null) {
                maitre.close();
            }
        } finally {
            backend.stop(0);
        }
    }

    @Test
    void afterSigtermReadySays503WhileTheListenersServeForTheDelayThenStop() throws Exception {
        assertThat(ready().statusCode()).isEqualTo(200);
        long signalled = System.nanoTime();

        maitre.terminate();

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(ready().statusCode()).isEqualTo(503));
        HttpResponse<String> served = proxied();
        Duration servedAfter = Duration.ofNanos(System.nanoTime() - signalled);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("served\n");
        assertThat(servedAfter).as("served on a new connection within the delay").isLessThan(DELAY);

        await().atMost(DELAY.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThatThrownBy(this::connectToProxy).isInstanceOf(ConnectException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as("listeners closed after the delay")
                .isGreaterThanOrEqualTo(DELAY);
        assertThat(maitre.awaitExit(Duration.ofSeconds(15))).as(maitre.output()).isZero();
        assertThat(maitre.stdout()).contains("SIGTERM: not ready", "shutdownDelay", "stopped in");
        maitre.assertNoLeaks();
    }

    private HttpResponse<String> ready() throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request through the proxy on a new connection, as a client arriving now makes it. */
    private HttpResponse<String> proxied() throws IOException, InterruptedException {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void connectToProxy() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 500);
        }
    }
}
