package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP check against real servers on loopback. */
class HttpCheckerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static CheckClient client;
    private static HttpServer server;
    private static HostPort address;
    private static final Map<String, List<String>> lastRequest = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        client = CheckClient.start();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (int status : List.of(200, 204, 418, 500)) {
            server.createContext("/" + status, exchange -> {
                lastRequest.clear();
                exchange.getRequestHeaders().forEach((name, values) -> lastRequest.put(name.toLowerCase(), values));
                lastRequest.put(":method", List.of(exchange.getRequestMethod()));
                lastRequest.put(":path", List.of(exchange.getRequestURI().toString()));
                exchange.sendResponseHeaders(status, status == 204 ? -1 : 2);
                if (status != 204) {
                    exchange.getResponseBody().write("ok".getBytes());
                }
                exchange.close();
            });
        }
        server.start();
        address = new HostPort("127.0.0.1", server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        client.close();
    }

    @Test
    void aBackendAnswering200Passes() throws Exception {
        CheckResult result = check(config("/200", null, "200-399"), address);

        assertThat(result.ok()).isTrue();
        assertThat(result.reason()).isEqualTo("status 200");
        assertThat(result.latencyNanos()).isPositive().isLessThan(TIMEOUT.toNanos());
    }

    @Test
    void aBackendAnswering500Fails() throws Exception {
        CheckResult result = check(config("/500", null, "200-399"), address);

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("status 500");
    }

    @Test
    void expectStatusDecidesWhichAnswersPass() throws Exception {
        assertThat(check(config("/418", null, "200,418"), address).ok()).isTrue();
        assertThat(check(config("/418", null, "200-299"), address).reason()).isEqualTo("status 418");
        assertThat(check(config("/204", null, "200-299"), address).reason()).isEqualTo("status 204");
        assertThat(check(config("/200", null, "204"), address).ok()).isFalse();
    }

    @Test
    void theRequestIsAGetOfThePathWithConnectionClose() throws Exception {
        check(config("/200", null, "200"), address);

        assertThat(lastRequest.get(":method")).containsExactly("GET");
        assertThat(lastRequest.get(":path")).containsExactly("/200");
        assertThat(lastRequest.get("connection")).containsExactly("close");
        assertThat(lastRequest.get("user-agent")).containsExactly("maitre-health-check");
    }

    @Test
    void theHostHeaderIsTheBackendAddressUnlessOneIsConfigured() throws Exception {
        check(config("/200", null, "200"), address);
        assertThat(lastRequest.get("host")).containsExactly(address.toString());

        check(config("/200", "api.example.com", "200"), address);
        assertThat(lastRequest.get("host")).containsExactly("api.example.com");
    }

    @Test
    void aBackendNamedByHostNameIsResolvedAndChecked() throws Exception {
        CheckResult result = check(config("/200", null, "200"), new HostPort("localhost", address.port()));

        assertThat(result.reason()).isEqualTo("status 200");
    }

    @Test
    void aRefusedConnectionFailsAtOnce() throws Exception {
        CheckResult result = check(config("/200", null, "200"), Ports.refusing());

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("connection refused");
        assertThat(result.latencyNanos()).isLessThan(TIMEOUT.toNanos());
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersTimesOutAfterTheTimeout() throws Exception {
        try (RawBackend silent = RawBackend.silent()) {
            long start = System.nanoTime();
            CheckResult result = check(config("/200", null, "200"), silent.address());
            long elapsed = System.nanoTime() - start;

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("timeout after 1s");
            assertThat(elapsed).isBetween(TIMEOUT.toNanos(), TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1));
            assertThat(silent.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void aHeadWithoutItsBodyIsEnough() throws Exception {
        try (RawBackend headOnly = RawBackend.writing("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")) {
            assertThat(check(config("/200", null, "200"), headOnly.address()).reason()).isEqualTo("status 200");
        }
    }

    @Test
    void anInterimAnswerIsFollowedByTheFinalOne() throws Exception {
        try (RawBackend early = RawBackend.writing(
                "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n"
                        + "Content-Length: 0\r\n\r\n")) {
            assertThat(check(config("/200", null, "200"), early.address()).reason()).isEqualTo("status 503");
        }
    }

    @Test
    void anAnswerThatIsNotHttpFails() throws Exception {
        try (RawBackend garbage = RawBackend.writing("SSH-2.0-OpenSSH_9.6\r\n\r\n")) {
            assertThat(check(config("/200", null, "200"), garbage.address()).reason()).isEqualTo("invalid response");
        }
    }

    @Test
    void aServerThatClosesWithoutAnsweringFails() throws Exception {
        try (RawBackend closing = RawBackend.closing()) {
            CheckResult result = check(config("/200", null, "200"), closing.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isIn("connection closed without an answer", "connection reset");
        }
    }

    @Test
    void aServerThatResetsTheConnectionFails() throws Exception {
        try (RawBackend resetting = RawBackend.resetting()) {
            CheckResult result = check(config("/200", null, "200"), resetting.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isIn("connection reset", "connection closed without an answer");
        }
    }

    private static CheckResult check(HealthCheckConfig config, HostPort backend) throws Exception {
        return client.create(config).check(backend).get(5, TimeUnit.SECONDS);
    }

    private static HealthCheckConfig config(String path, String host, String expectStatus) {
        return new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, path, host,
                StatusRanges.parse(expectStatus), Duration.ofSeconds(10), TIMEOUT, 3, 2, 0, HealthState.HEALTHY);
    }
}
