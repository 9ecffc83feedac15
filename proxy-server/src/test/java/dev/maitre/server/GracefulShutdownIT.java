package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.maitre.testing.MaitreProcess;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and SIGINT: maitre stops accepting, lets the requests in flight finish and exits 0. */
@Timeout(90)
class GracefulShutdownIT {

    private static final String GRACE = "10s";
    private static final Duration EXIT_WITHIN_GRACE = Duration.ofSeconds(10 + 5);
    private static final Duration SLOW_ANSWER = Duration.ofSeconds(3);
    private static final String SLOW_BODY = "answered after a while\n";

    @TempDir
    Path dir;

    private final CountDownLatch requestReceived = new CountDownLatch(1);
    private final ExecutorService backendThreads = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer slowBackend;
    private int proxyPort;
    private int adminPort;
    private MaitreProcess maitre;

    @BeforeEach
    void startSlowBackendAndMaitre() throws Exception {
        slowBackend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slowBackend.createContext("/", exchange -> {
            try (exchange; OutputStream body = exchange.getResponseBody()) {
                exchange.getRequestBody().readAllBytes();
                requestReceived.countDown();
                Thread.sleep(SLOW_ANSWER.toMillis());
                byte[] bytes = SLOW_BODY.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                body.write(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slowBackend.setExecutor(backendThreads);
        slowBackend.start();

        Path config = ConfigFiles.write(dir, "maitre.yaml",
                ConfigFiles.proxy(0, 0, slowBackend.getAddress().getPort(), GRACE));
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
            slowBackend.stop(0);
            backendThreads.shutdownNow();
        }
    }

    @Test
    void aRequestInFlightAtSigtermGetsItsWholeAnswerAndMaitreExitsZero() throws Exception {
        CompletableFuture<HttpResponse<String>> response = sendRequest();
        assertThat(requestReceived.await(10, TimeUnit.SECONDS)).as("the backend got the request").isTrue();

        maitre.terminate();

        HttpResponse<String> answer = response.get(15, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(SLOW_BODY);
        assertThat(maitre.awaitExit(EXIT_WITHIN_GRACE)).as(maitre.output()).isZero();
        assertThat(maitre.stdout()).contains("SIGTERM: shutting down", "stopped in");
        maitre.assertNoLeaks();
    }

    @Test
    void newConnectionsAreRefusedWhileRequestsInFlightFinish() throws Exception {
        CompletableFuture<HttpResponse<String>> response = sendRequest();
        assertThat(requestReceived.await(10, TimeUnit.SECONDS)).as("the backend got the request").isTrue();

        maitre.terminate();

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThatThrownBy(this::connectToProxy).isInstanceOf(ConnectException.class));
        assertThat(response).as("the request in flight is still being answered").isNotDone();
        assertThat(response.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(maitre.awaitExit(EXIT_WITHIN_GRACE)).as(maitre.output()).isZero();
    }

    @Test
    void readySays503FromSigtermOnWhileRequestsInFlightFinish() throws Exception {
        assertThat(ready().statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> response = sendRequest();
        assertThat(requestReceived.await(10, TimeUnit.SECONDS)).as("the backend got the request").isTrue();

        maitre.terminate();

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(ready().statusCode()).isEqualTo(503));
        assertThat(ready().body()).isEqualTo("stopping\n");
        assertThat(response).as("the request in flight is still being answered").isNotDone();
        assertThat(response.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(maitre.awaitExit(EXIT_WITHIN_GRACE)).as(maitre.output()).isZero();
    }

    @Test
    void sigintStopsAnIdleMaitreAtOnceWithStatusZero() throws Exception {
        maitre.interrupt();

        assertThat(maitre.awaitExit(Duration.ofSeconds(5))).as(maitre.output()).isZero();
        assertThat(maitre.stdout()).contains("SIGINT: shutting down", "stopped in");
    }

    private CompletableFuture<HttpResponse<String>> sendRequest() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/slow"))
                .timeout(Duration.ofSeconds(20)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> ready() throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void connectToProxy() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 500);
        }
    }
}
