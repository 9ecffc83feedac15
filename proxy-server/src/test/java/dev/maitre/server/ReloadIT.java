package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.server.config.YamlConfigLoader;
import java.io.FileOutputStream;
import dev.maitre.testing.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    void aListenerMovedToAnAddressInUseIsRefusedNamingItAndNothingChanges() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            ConfigFiles.write(dir, "maitre.yaml",
                    config("127.0.0.1:" + taken.getLocalPort(), "round_robin", first, second));

            HttpResponse<String> answer = postReload();

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).get("errors").get(0).asText())
                    .startsWith("listener web: cannot bind 127.0.0.1:" + taken.getLocalPort());
            assertThat(bodiesOf(4)).containsExactly("first");
        }
    }

    @Test
    void aListenerMovedToANewAddressServesThereAndTheOldAddressStopsAccepting() throws Exception {
        InetSocketAddress before = server.address("web");
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.2:0", "round_robin", first));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("listener web moved from 127.0.0.1:0 (http) to 127.0.0.2:0 (http)");
        assertThat(server.address("web").getAddress().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(bodiesOf(2)).containsExactly("first");
        assertThatThrownBy(() -> new Socket(before.getAddress(), before.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aListenerAddedToTheFileIsBoundAndOneRemovedStopsAcceptingAfterItsRequestInFlight() throws Exception {
        InetSocketAddress web = server.address("web");
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(proxy("/slow")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slowArrived.await(10, TimeUnit.SECONDS)).as("the backend got the request").isTrue();
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", first)
                .replace("  - name: web\n", "  - name: www\n"));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("listener www added on 127.0.0.1:0", "listener web on 127.0.0.1:0 removed");
        HttpResponse<String> viaNew = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.address("www").getPort() + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viaNew.body()).isEqualTo("first");
        assertThatThrownBy(() -> new Socket(web.getAddress(), web.getPort()).close())
                .isInstanceOf(ConnectException.class);
        slowReleased.countDown();
        HttpResponse<String> inFlight = slow.get(10, TimeUnit.SECONDS);
        assertThat(inFlight.statusCode()).isEqualTo(200);
        assertThat(inFlight.body()).isEqualTo("first (slow)");
        assertThat(inFlight.headers().firstValue("connection")).hasValue("close");
    }

    @Test
    void changedLimitsApplyToNewConnections() throws Exception {
        String bigHeader = "x".repeat(4096);
        assertThat(statusWithHeader(bigHeader)).isEqualTo(200);
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", first)
                .replace("    protocol: http\n", "    protocol: http\n    limits: { maxHeaderBytes: 2KiB }\n"));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("listener web: limits changed (for new connections)");
        assertThat(statusWithHeader(bigHeader)).isEqualTo(431);
    }

    @Test
    void changedHttp2SettingsAreAcceptedForNewConnections() throws Exception {
        String http2 = "    http2: { maxConcurrentStreams: 10, maxFrameSize: 32KiB }\n";
        ConfigFiles.write(dir, "maitre.yaml", config("127.0.0.1:0", "round_robin", first)
                .replace("    protocol: http\n", "    protocol: http\n" + http2));

        HttpResponse<String> answer = postReload();

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("listener web: http2 changed (for new connections)")
                .doesNotContain("routes changed", "limits changed");
        assertThat(statusWithHeader("x")).isEqualTo(200);
    }

    private int statusWithHeader(String value) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.address("web").getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + value
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(answer.substring(9, 12));
        }
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

    /**
     * A reload reads its file off the admin event loop: here the file is a named pipe, so reading it
     * waits until the test writes the configuration, and meanwhile the admin API answers.
     */
    @Test
    void theAdminApiAnswersWhileAReloadWaitsForItsFile() throws Exception {
        Path pipe = dir.resolve("maitre.pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
        server.stop("test over");
        server = MaitreServer.start(YamlConfigLoader.load(file), pipe);
        CompletableFuture<OutputStream> readerOpened = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(pipe.toFile()); // returns once the reload opened the pipe
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        OutputStream writer = null;
        try {
            CompletableFuture<HttpResponse<String>> reload = client.sendAsync(HttpRequest.newBuilder(
                    admin("/api/reload")).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString());
            writer = readerOpened.get(10, TimeUnit.SECONDS);

            HttpResponse<String> healthz = client.send(HttpRequest.newBuilder(admin("/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> another = postReload();

            assertThat(healthz.statusCode()).isEqualTo(200);
            assertThat(another.statusCode()).as("one reload at a time").isEqualTo(409);
            assertThat(another.body()).contains("a reload is already running");
            assertThat(reload).as("the first reload still waits for its file").isNotDone();

            writer.write(config("127.0.0.1:0", "round_robin", first, second).getBytes(StandardCharsets.UTF_8));
            writer.close();
            writer = null;
            HttpResponse<String> answer = reload.get(10, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(bodiesOf(6)).containsExactlyInAnyOrder("first", "second");
        } finally {
            // never leave the reload waiting on the pipe: stopping waits for it
            OutputStream open = writer != null ? writer : readerOpened.getNow(null);
            if (open != null) {
                open.close();
            }
        }
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
        InetSocketAddress web = server.address("web");
        return URI.create("http://" + web.getAddress().getHostAddress() + ":" + web.getPort() + path);
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
