package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener with {@code proxyProtocol: true} configured in YAML, as a backend and {@code GET /metrics}
 * see it: the client its trusted proxy's header names reaches the backend, and a peer outside
 * {@code trustedProxies} is closed and counted.
 */
@Timeout(60)
class ProxyProtocolMetricsIT {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n";

    @TempDir
    Path dir;

    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private RawBackend backend;
    private MaitreServer server;

    @BeforeEach
    void startMaitreBehindAProxyOn127001() throws Exception {
        backend = RawBackend.answering("ok");
        Path file = ConfigFiles.write(dir, "maitre.yaml", """
                admin:
                  bind: 127.0.0.1:0
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    proxyProtocol: true
                    trustedProxies: [ 127.0.0.1 ]
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    proxyProtocol: off
                    backends:
                      - address: %s
                """.formatted(backend.address()));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop("test over");
        }
        backend.close();
    }

    @Test
    void theHeadersClientReachesTheBackendAndAnUntrustedPeerIsCounted() throws Exception {
        try (RawClient proxy = new RawClient(server.address("web"), InetAddress.getByName("127.0.0.1"))) {
            proxy.send("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n" + REQUEST);
            assertThat(proxy.response().status()).isEqualTo(200);
        }
        try (RawClient stranger = new RawClient(server.address("web"), InetAddress.getByName("127.0.0.5"))) {
            stranger.send("PROXY TCP4 192.0.2.66 198.51.100.1 5555 443\r\n" + REQUEST);
            assertThat(stranger.isClosedByPeer(10_000)).isTrue();
        }

        assertThat(backend.requests()).extracting(r -> r.header("X-Forwarded-For")).containsExactly("192.0.2.10");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String text = metrics();
            assertThat(value(text, "maitre_proxy_protocol_headers_total{listener=\"web\"}")).isEqualTo(1);
            assertThat(value(text, "maitre_proxy_protocol_refused_total{listener=\"web\",reason=\"untrusted\"}"))
                    .isEqualTo(1);
        });
    }

    private String metrics() throws Exception {
        InetSocketAddress address = server.adminAddress();
        HttpResponse<String> answer = admin.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    /** The value of the series {@code series} (name and labels, as written) in {@code text}; NaN when absent. */
    private static double value(String text, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }
}
