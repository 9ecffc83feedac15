package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.testing.Ports;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

/** {@code POST /api/reload}: the file is read again and applied, or refused whole with its errors. */
@Timeout(60)
class ReloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ExecutorService backendThreads = Executors.newCachedThreadPool();
    private final List<HttpServer> backends = new ArrayList<>();
    private final CountDownLatch slowArrived = new CountDownLatch(1);
    private final CountDownLatch slowReleased = new CountDownLatch(1);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private int first;
    private int second;
    private Path file;
    private MaitreServer server;

    @BeforeEach
    void startBackendsAndMaitreOnTheFirst() throws Exception {
        first = backend("first");
        second = backend("second");
        file = ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", first));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);
    }

    @AfterEach
    void stopEverything() {
        slowReleased.countDown();
        if (server != null) {
            server.stop("test over");
        }
        backends.forEach(backend -> backend.stop(0));
        backendThreads.shutdownNow();
    }

    @Test
    void aBackendAddedToTheFileGetsRequestsOnceReloaded() throws Exception {
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", first, second));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("reloaded").asBoolean()).isTrue();
        assertThat(body.get("changes").toString()).contains("cluster app changed");
        assertThat(bodiesOf(6)).containsExactlyInAnyOrder("first", "second");
        assertThat(adminGet("/api/clusters")).contains("127.0.0.1:" + second);
        assertThat(adminGet("/metrics")).contains("backend=\"127.0.0.1:" + second + "\"");
    }

    @Test
    void anInvalidFileIsRefusedWithEveryErrorAndRequestsGoOnAsBefore() throws Exception {
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "fastest", first, second)
                + "    colour: blue\n");

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(answer.body()).get("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.toString()).contains("clusters[0].balancer", "clusters[0].colour", "line ");
        assertThat(bodiesOf(4)).containsExactly("first");
        assertThat(adminGet("/api/clusters")).doesNotContain("127.0.0.1:" + second);
    }

    @Test
    void aNewListenerAddressIsRefusedNamingTheKeyAndNothingChanges() throws Exception {
        // Never bound (the reload is refused); held so that no run of maitre could take it either.
        int port = Ports.refusing().port();
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:" + port, "round_robin", first, second));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("errors").get(0).asText()).isEqualTo(
                "listeners[0].bind: changed from 127.0.0.1:0 to 127.0.0.1:" + port + "; a restart is needed");
        assertThat(bodiesOf(4)).containsExactly("first");
    }

    @Test
    void aRequestInFlightFinishesOnTheBackendItStartedWith() throws Exception {
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(proxy("/slow")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowArrived.await(10, TimeUnit.SECONDS)).as("the first backend got the request").isTrue();
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", second));

        assertThat(postReload().statusCode()).isEqualTo(200);
        assertThat(bodiesOf(3)).containsExactly("second");
        slowReleased.countDown();

        HttpResponse<String> answer = slow.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("first (slow)");
    }

    @Test
    void withoutAFileThereIsNothingToReload() throws Exception {
        server.stop("test over");
        server = MaitreServer.start(YamlConfigLoader.load(file));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(answer.body()).contains("no configuration file to reload");
    }

    private static String config(String listenerBind, String balancer, int... backendPorts) {
        StringBuilder yaml = new StringBuilder("""
                admin:
                  bind: 127.0.0.1:0
                workers: 2
                shutdownGracePeriod: 2s
                listeners:
                  - name: web
                    bind: %s
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    balancer: %s
                    backends:
                """.formatted(listenerBind, balancer));
        for (int port : backendPorts) {
            yaml.append("      - address: 127.0.0.1:").append(port).append('\n');
        }
        return yaml.toString();
    }

    private int backend(String name) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.setExecutor(backendThreads);
        http.createContext("/", exchange -> answer(exchange, name));
        http.createContext("/slow", exchange -> {
            slowArrived.countDown();
            try {
                slowReleased.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, name + " (slow)");
        });
        http.start();
        backends.add(http);
        return http.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            out.write(bytes);
        }
    }

    private Set<String> bodiesOf(int requests) throws IOException, InterruptedException {
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(proxy("/")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            bodies.add(answer.body());
        }
        return bodies;
    }

    private URI proxy(String path) {
        return URI.create("http://127.0.0.1:" + server.address("web").getPort() + path);
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path);
    }

    private HttpResponse<String> postReload() throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(admin("/api/reload")).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String adminGet(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(admin(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
