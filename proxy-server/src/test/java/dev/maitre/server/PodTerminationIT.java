package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.MaitreProcess;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * A pod's stop as Kubernetes makes it, against the packaged jar started by bin/maitre with the
 * deployment's kind of configuration (deploy/kubernetes): the admin API behind a token file, the
 * probes answered without it, {@code shutdownDelay} then {@code shutdownGracePeriod}. From SIGTERM
 * on, the readiness probe fails at once while clients that are still sent to the pod (the endpoints
 * not updated everywhere yet) are all served; then the listener closes, the request in flight
 * finishes, and maitre exits 0, well within terminationGracePeriodSeconds.
 */
@Timeout(120)
class PodTerminationIT {

    private static final Duration DELAY = Duration.ofSeconds(4);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String TOKEN = "k8s-admin-token-0123456789abcdef";

    @TempDir
    Path dir;

    private final ExecutorService backendThreads = Executors.newCachedThreadPool();
    private final CountDownLatch slowArrived = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private HttpServer backend;
    private int proxyPort;
    private int adminPort;
    private MaitreProcess maitre;

    @BeforeEach
    void startBackendAndMaitre() throws Exception {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.setExecutor(backendThreads);
        backend.createContext("/", exchange -> answer(exchange, "served\n"));
        backend.createContext("/slow", exchange -> {
            slowArrived.countDown();
            try {
                slowRelease.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, "slow, but whole\n");
        });
        backend.start();
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        Path config = ConfigFiles.write(dir, "maitre.yaml", """
                admin: { bind: 127.0.0.1:0, tokenFile: %s }
                shutdownDelay: %ds
                shutdownGracePeriod: %ds
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes: [ { cluster: backend } ]
                clusters:
                  - name: backend
                    backends: [ { address: 127.0.0.1:%d } ]
                """.formatted(token, DELAY.toSeconds(), GRACE.toSeconds(), backend.getAddress().getPort()));

        // As the container starts it: bin/maitre, the heap a share of the memory (MAITRE_JAVA_OPTS).
        ProcessBuilder launcher = new ProcessBuilder(System.getProperty("maitre.launcher"), "--config", config.toString());
        launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
        launcher.environment().put("MAITRE_JAR", MaitreProcess.jar().toString());
        launcher.environment().put("MAITRE_JAVA_OPTS", "-XX:MaxRAMPercentage=40 -XX:MaxDirectMemorySize=320m "
                + "-Dio.netty.leakDetection.level=paranoid");
        maitre = MaitreProcess.start(launcher);
        proxyPort = maitre.awaitListenerPort("web", Duration.ofSeconds(30));
        maitre.awaitListening(proxyPort, Duration.ofSeconds(30));
        adminPort = maitre.awaitAdminPort(Duration.ofSeconds(10));
        maitre.awaitListening(adminPort, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopEverything() throws Exception {
        slowRelease.countDown();
        try {
            if (maitre != null) {
                maitre.close();
            }
        } finally {
            backend.stop(0);
            backendThreads.shutdownNow();
        }
    }

    @Test
    void theProbesNeedNoTokenWhereTheApiDoes() throws Exception {
        assertThat(admin("/ready", null).status()).isEqualTo(200);
        assertThat(admin("/healthz", null).status()).isEqualTo(200);
        assertThat(admin("/api/clusters", null).status()).isEqualTo(401);
        assertThat(admin("/api/clusters", TOKEN).status()).isEqualTo(200);
    }

    @Test
    void afterSigtermNotReadyAtOnceEveryClientServedThroughTheDelayThenTheRequestInFlightFinishes()
            throws Exception {
        assertThat(admin("/ready", null).status()).isEqualTo(200);
        long signalled = System.nanoTime();

        maitre.terminate();

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(admin("/ready", null).status()).isEqualTo(503));
        // Clients keep coming, each on a new connection as kube-proxy sends them, until the
        // endpoints are updated: all of them are served. The margin keeps the last one off the close.
        long servingUntil = signalled + DELAY.minusMillis(800).toNanos();
        List<String> failures = new ArrayList<>();
        int served = 0;
        CompletableFuture<HttpMessage> inFlight = null;
        while (System.nanoTime() < servingUntil) {
            try (RawClient client = new RawClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort))) {
                HttpMessage response = client.get("/");
                if (response.status() == 200 && response.bodyText().equals("served\n")) {
                    served++;
                } else {
                    failures.add(response.startLine() + " " + response.bodyText());
                }
            } catch (IOException e) {
                failures.add(e.toString());
            }
            if (inFlight == null && System.nanoTime() > servingUntil - Duration.ofSeconds(1).toNanos()) {
                inFlight = CompletableFuture.supplyAsync(this::slowRequest);
                assertThat(slowArrived.await(5, TimeUnit.SECONDS)).as("the slow request reached the backend").isTrue();
            }
            assertThat(admin("/healthz", null).status()).as("liveness during the delay").isEqualTo(200);
        }
        assertThat(failures).as("requests through the listener during shutdownDelay").isEmpty();
        assertThat(served).as("requests served during the delay").isGreaterThanOrEqualTo(10);
        assertThat(inFlight).isNotNull();

        await().atMost(DELAY.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThatThrownBy(this::connectToProxy).isInstanceOf(ConnectException.class));
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as("the listener closed after the delay")
                .isGreaterThanOrEqualTo(DELAY);
        Thread.sleep(500);
        assertThat(maitre.isAlive()).as("maitre waits for the request in flight").isTrue();

        slowRelease.countDown();
        HttpMessage slow = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slow.bodyText()).isEqualTo("slow, but whole\n");
        assertThat(maitre.awaitExit(GRACE)).as(maitre.output()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as("within terminationGracePeriodSeconds")
                .isLessThan(DELAY.plus(GRACE));
        assertThat(maitre.stdout()).contains("SIGTERM: not ready", "stopped in");
        maitre.assertNoLeaks();
    }

    private HttpMessage slowRequest() {
        try (RawClient client = new RawClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort))) {
            client.socket().setSoTimeout(30_000);
            return client.get("/slow");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A GET of the admin API as the kubelet's probe or an operator's curl sends it. */
    private HttpMessage admin(String path, String token) throws IOException {
        try (RawClient client = new RawClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort))) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + adminPort + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "Connection: close\r\n\r\n").response();
        }
    }

    private void connectToProxy() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort), 500);
        }
    }

    private static void answer(HttpExchange exchange, String text) throws IOException {
        try (exchange; OutputStream body = exchange.getResponseBody()) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            body.write(bytes);
        }
    }
}
