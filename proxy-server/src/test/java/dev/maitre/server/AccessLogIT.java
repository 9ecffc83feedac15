package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.api.HostPort;
import dev.maitre.engine.EngineStartException;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.server.reload.ReloadResult;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.PemFiles;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log of a running maitre written to a file, in each format, read back field by field as
 * a log shipper would; what a client sends cannot break a line or forge a field.
 */
@Timeout(60)
class AccessLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** nginx's combined format and the three fields after it, as the README documents them. */
    private static final Pattern COMBINED = Pattern.compile("(\\S+) - - \\[([^\\]]+)\\] \"([^\"]*)\" (\\d{3}) (\\d+) "
            + "\"([^\"]*)\" \"([^\"]*)\" (\\d+\\.\\d{3}) (\\S+) (\\d+\\.\\d{3}|-)( tunnel=\\d+ms up=\\d+ down=\\d+ end=\\w+)?");
    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    @TempDir
    Path dir;

    private RawBackend backend;
    private MaitreServer server;
    private Path log;

    @BeforeEach
    void startABackend() throws IOException {
        backend = RawBackend.answering("hello");
        log = dir.resolve("access.log");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (server != null) {
            server.stop("test over");
        }
        backend.close();
    }

    private String config(String accessLog, HostPort backendAddress) {
        return """
                admin: { bind: 127.0.0.1:0 }
                accessLog: %s
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    backends:
                      - address: %s
                """.formatted(accessLog, backendAddress);
    }

    private void start(String accessLog) throws Exception {
        start(accessLog, backend.address());
    }

    private void start(String accessLog, HostPort backendAddress) throws Exception {
        Path file = ConfigFiles.write(dir, "maitre.yaml", config(accessLog, backendAddress));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);
    }

    private HttpMessage send(String request) throws IOException {
        try (RawClient client = new RawClient(server.address("web"))) {
            return client.send(request).response();
        }
    }

    private List<String> awaitLines(Path file, int count) {
        await().atMost(WAIT).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= count);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(count);
            return lines;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void combinedLinesReadBackFieldByField() throws Exception {
        start("{ enabled: true, format: combined, path: " + log + " }");
        Instant before = Instant.now().minusSeconds(1);

        HttpMessage answer = send("GET /api/users?page=2 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.5.0\r\n"
                + "Referer: https://example.com/a\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
        Matcher line = COMBINED.matcher(awaitLines(log, 1).get(0));
        assertThat(line.matches()).as(line.toString()).isTrue();
        assertThat(line.group(1)).isEqualTo("127.0.0.1");
        Instant time = ZonedDateTime.parse(line.group(2), LOCAL_TIME).toInstant();
        assertThat(time).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(line.group(3)).isEqualTo("GET /api/users?page=2 HTTP/1.1");
        assertThat(line.group(4)).isEqualTo("200");
        assertThat(line.group(5)).isEqualTo("5");
        assertThat(line.group(6)).isEqualTo("https://example.com/a");
        assertThat(line.group(7)).isEqualTo("curl/8.5.0");
        assertThat(Double.parseDouble(line.group(8))).isBetween(0.0, 10.0);
        assertThat(line.group(9)).isEqualTo(backend.address().toString());
        assertThat(Double.parseDouble(line.group(10))).isBetween(0.0, Double.parseDouble(line.group(8)));
        assertThat(line.group(11)).isNull();
    }

    @Test
    void jsonLinesReadBackFieldByField() throws Exception {
        start("{ enabled: true, format: json, path: " + log + " }");
        Instant before = Instant.now();

        send("POST /orders HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.5.0\r\nContent-Length: 3\r\n"
                + "Connection: close\r\n\r\nabc");
        send("GET / HTTP/1.0\r\n\r\n");

        List<String> lines = awaitLines(log, 2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(Instant.parse(first.get("time").asText())).isBetween(before, Instant.now());
        assertThat(first.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(first.get("client").asText()).isEqualTo("127.0.0.1");
        assertThat(first.get("method").asText()).isEqualTo("POST");
        assertThat(first.get("target").asText()).isEqualTo("/orders");
        assertThat(first.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(first.get("status").asInt()).isEqualTo(200);
        assertThat(first.get("bytes").asLong()).isEqualTo(5);
        assertThat(first.get("durationMs").asDouble()).isBetween(0.0, 10_000.0);
        assertThat(first.get("cluster").asText()).isEqualTo("app");
        assertThat(first.get("upstream").asText()).isEqualTo(backend.address().toString());
        assertThat(first.get("upstreamMs").asDouble()).isBetween(0.0, first.get("durationMs").asDouble());
        assertThat(first.get("retries").asInt()).isZero();
        assertThat(first.get("userAgent").asText()).isEqualTo("curl/8.5.0");
        assertThat(first.has("referer")).isFalse();
        assertThat(first.has("tls")).isFalse();
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.get("protocol").asText()).isEqualTo("HTTP/1.0");
        assertThat(second.has("userAgent")).isFalse();
    }

    @Test
    void aRetriedRequestsLineNamesTheBackendThatAnsweredAndCountsTheRetry() throws Exception {
        HostPort refusing = Ports.refusing();
        Path file = ConfigFiles.write(dir, "maitre.yaml", config("{ enabled: true, format: json, path: " + log + " }",
                backend.address()).replace("      - address: " + backend.address() + "\n",
                "      - address: " + refusing + "\n      - address: " + backend.address() + "\n"));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);

        for (int i = 0; i < 4; i++) {
            assertThat(send("GET /" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
                    .isEqualTo(200);
        }

        List<JsonNode> lines = awaitLines(log, 4).stream().map(AccessLogIT::json).toList();
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.get("upstream").asText()).isEqualTo(backend.address().toString());
            assertThat(line.get("retries").asInt()).isBetween(0, 1);
        });
        assertThat(lines).anySatisfy(line -> assertThat(line.get("retries").asInt()).isEqualTo(1));
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }

    @Test
    void aRequestOverTlsNamesTheProtocolItsConnectionNegotiated() throws Exception {
        TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");
        PemFiles site = authority.issue(TestCertificates.KeyKind.ECDSA, "shop.test").write(dir, "shop");
        Path file = ConfigFiles.write(dir, "maitre.yaml", config("{ enabled: true, format: json, path: " + log + " }",
                backend.address()).replace("    protocol: http\n",
                "    protocol: http\n    tls: { certFile: " + site.certFile() + ", keyFile: " + site.keyFile() + " }\n"));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        InetSocketAddress address = server.address("web");

        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(),
                address.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /secure HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("hello");
        }

        JsonNode line = JSON.readTree(awaitLines(log, 1).get(0));
        assertThat(line.get("target").asText()).isEqualTo("/secure");
        assertThat(line.get("tls").asText()).isEqualTo("TLSv1.3");
    }

    @Test
    void withoutAFormatTheLineIsMaitresOwn() throws Exception {
        start("{ enabled: true, path: " + log + " }");

        send("GET /api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(awaitLines(log, 1).get(0))
                .matches("127\\.0\\.0\\.1 \"GET /api HTTP/1\\.1\" 200 5 \\d+ms app " + Pattern.quote(
                        backend.address().toString()));
    }

    @Test
    void aRefusedRequestWithAHostileTargetHasOneLineThatReadsBackExactly() throws Exception {
        String target = "/a\"b\\c\"}{\"status\":999\u00e9\u00ff";
        String request = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        start("{ enabled: true, format: json, path: " + log + " }");

        HttpMessage answer = send(request);

        assertThat(answer.status()).isEqualTo(400);
        JsonNode json = JSON.readTree(awaitLines(log, 1).get(0));
        assertThat(json.get("target").asText()).isEqualTo(target);
        assertThat(json.get("status").asInt()).isEqualTo(400);
        assertThat(json.get("bytes").asLong()).isEqualTo(answer.body().length);
        assertThat(json.has("cluster")).as("not routed").isFalse();
        assertThat(json.has("upstream")).isFalse();
        assertThat(json.size()).as("no field forged").isEqualTo(9);
        server.stop("next format");

        Path combinedLog = dir.resolve("combined.log");
        start("{ enabled: true, format: combined, path: " + combinedLog + " }");
        send(request);

        String combined = awaitLines(combinedLog, 1).get(0);
        Matcher line = COMBINED.matcher(combined);
        assertThat(line.matches()).as(combined).isTrue();
        assertThat(line.group(3)).isEqualTo("GET /a\\x22b\\x5Cc\\x22}{\\x22status\\x22:999\\xE9\\xFF HTTP/1.1");
        assertThat(line.group(4)).isEqualTo("400");
        assertThat(line.group(9)).isEqualTo("-");
        assertThat(line.group(10)).isEqualTo("-");
    }

    @Test
    void aHeadTheParserRefusedHasALineThatSaysNoMoreThanItsStatus() throws Exception {
        start("{ enabled: true, format: combined, path: " + log + " }");

        HttpMessage tooLong = send("GET /" + "x".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        HttpMessage badFraming = send("POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n"
                + "User-Agent: curl/8.5.0\r\n\r\nabc");

        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(badFraming.status()).isEqualTo(400);
        List<String> lines = awaitLines(log, 2);
        for (int i = 0; i < 2; i++) {
            Matcher line = COMBINED.matcher(lines.get(i));
            assertThat(line.matches()).as(lines.get(i)).isTrue();
            assertThat(line.group(3)).isEqualTo("- - -");
            assertThat(line.group(4)).isEqualTo(i == 0 ? "414" : "400");
            assertThat(line.group(7)).isEqualTo("-");
        }
    }

    @Test
    void aRequestWithoutARouteHasALineWithoutClusterOrBackend() throws Exception {
        Path file = ConfigFiles.write(dir, "maitre.yaml", config("{ enabled: true, path: " + log + " }",
                backend.address()).replace("      - cluster: app\n", "      - cluster: app\n        host: shop.test\n"));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);

        HttpMessage answer = send("GET /nowhere HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(awaitLines(log, 1).get(0)).matches(
                "127\\.0\\.0\\.1 \"GET /nowhere HTTP/1\\.1\" 404 " + answer.body().length + " \\d+ms - -");
    }

    /**
     * A request maitre routes has a target of URI characters alone (one with a quote, a backslash or a
     * byte beyond ASCII is refused, as above): what a client can slip into its line comes in its fields.
     */
    @Test
    void aHostileUserAgentOrRefererCannotBreakTheLineOrForgeAField() throws Exception {
        String agent = "x\" 999 \"forged\\ \t\u00ff";
        String referer = "\"} {\"status\":999";
        String request = "GET /a%22b?c='d' HTTP/1.1\r\nHost: x\r\nUser-Agent: " + agent + "\r\nReferer: " + referer
                + "\r\nConnection: close\r\n\r\n";
        start("{ enabled: true, format: json, path: " + log + " }");

        HttpMessage answer = send(request);

        assertThat(answer.status()).as(answer.startLine()).isEqualTo(200);
        JsonNode json = JSON.readTree(awaitLines(log, 1).get(0));
        assertThat(json.get("target").asText()).isEqualTo("/a%22b?c='d'");
        assertThat(json.get("userAgent").asText()).isEqualTo(agent);
        assertThat(json.get("referer").asText()).isEqualTo(referer);
        assertThat(json.get("status").asInt()).isEqualTo(200);
        assertThat(json.size()).as("no field forged").isEqualTo(14);
        server.stop("next format");

        Path combinedLog = dir.resolve("combined.log");
        start("{ enabled: true, format: combined, path: " + combinedLog + " }");
        send(request);

        String combined = awaitLines(combinedLog, 1).get(0);
        Matcher line = COMBINED.matcher(combined);
        assertThat(line.matches()).as(combined).isTrue();
        assertThat(line.group(3)).isEqualTo("GET /a%22b?c='d' HTTP/1.1");
        assertThat(line.group(4)).isEqualTo("200");
        assertThat(line.group(6)).isEqualTo("\\x22} {\\x22status\\x22:999");
        assertThat(line.group(7)).isEqualTo("x\\x22 999 \\x22forged\\x5C \\x09\\xFF");
    }

    @Test
    void aWebSocketsLineCarriesItsTunnelFieldsInEachFormat() throws Exception {
        Path combinedLog = dir.resolve("combined.log");
        try (WebSocketEchoServer echo = WebSocketEchoServer.start()) {
            start("{ enabled: true, format: json, path: " + log + " }", echo.address());
            webSocketRoundTrip();
            JsonNode json = JSON.readTree(awaitLines(log, 1).get(0));
            assertThat(json.get("status").asInt()).isEqualTo(101);
            assertThat(json.get("target").asText()).isEqualTo("/ws");
            JsonNode tunnel = json.get("tunnel");
            assertThat(tunnel.get("end").asText()).isEqualTo("closed");
            assertThat(tunnel.get("bytesUp").asLong()).isEqualTo((6 + 5) + (6 + 2 + 3));
            assertThat(tunnel.get("bytesDown").asLong()).isEqualTo((2 + 5) + (2 + 2 + 3));
            assertThat(json.get("bytes").asLong()).isEqualTo(tunnel.get("bytesDown").asLong());
            assertThat(tunnel.get("durationMs").asDouble()).isBetween(0.0, json.get("durationMs").asDouble());
            server.stop("next format");

            start("{ enabled: true, format: combined, path: " + combinedLog + " }", echo.address());
            webSocketRoundTrip();
        }
        String combined = awaitLines(combinedLog, 1).get(0);
        Matcher line = COMBINED.matcher(combined);
        assertThat(line.matches()).as(combined).isTrue();
        assertThat(line.group(4)).isEqualTo("101");
        assertThat(line.group(11)).matches(" tunnel=\\d+ms up=22 down=14 end=closed");
    }

    private void webSocketRoundTrip() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(
                new HostPort("127.0.0.1", server.address("web").getPort()), "/ws")) {
            client.sendText("hello");
            assertThat(client.awaitText(WAIT)).isEqualTo("hello");
            client.closeHandshake(1000, "bye", WAIT);
        }
    }

    @Test
    void aReloadMovesTheLogToAnotherFileInAnotherFormat() throws Exception {
        start("{ enabled: true, format: combined, path: " + log + " }");
        send("GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        awaitLines(log, 1);
        Path jsonLog = dir.resolve("access.json");
        ConfigFiles.write(dir, "maitre.yaml", config("{ enabled: true, format: json, path: " + jsonLog + " }",
                backend.address()));

        ReloadResult result = server.reload("test");

        assertThat(result.outcome()).as(result.describe()).isEqualTo(ReloadResult.Outcome.RELOADED);
        assertThat(result.describe()).contains("access log on (json, " + jsonLog + ")");
        send("GET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(JSON.readTree(awaitLines(jsonLog, 1).get(0)).get("target").asText()).isEqualTo("/two");
        assertThat(awaitLines(log, 1).get(0)).contains("GET /one");
    }

    @Test
    void aReloadToAFileThatCannotBeOpenedIsRefusedNamingTheKeyAndTheLogGoesOn() throws Exception {
        start("{ enabled: true, format: combined, path: " + log + " }");
        Path nowhere = dir.resolve("missing/access.log");
        ConfigFiles.write(dir, "maitre.yaml", config("{ enabled: true, path: " + nowhere + " }", backend.address()));

        ReloadResult result = server.reload("test");

        assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
        assertThat(result.describe()).contains("accessLog.path: " + nowhere
                + " (expected: a file maitre can append to; its directory does not exist)");
        send("GET /still HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(awaitLines(log, 1).get(0)).contains("GET /still");
    }

    @Test
    void aFileThatCannotBeOpenedAtStartIsAStartErrorNamingTheKey() throws Exception {
        Path nowhere = dir.resolve("missing/access.log");

        assertThatThrownBy(() -> start("{ enabled: true, path: " + nowhere + " }"))
                .isInstanceOf(EngineStartException.class)
                .hasMessage("accessLog.path: " + nowhere + " (expected: a file maitre can append to; "
                        + "its directory does not exist)");
    }

    @Test
    void theMetricsCountDroppedLines() throws Exception {
        start("{ enabled: true, path: " + log + " }");

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.body()).contains("# TYPE maitre_access_log_dropped_total counter")
                .contains("maitre_access_log_dropped_total 0.0");
    }
}
