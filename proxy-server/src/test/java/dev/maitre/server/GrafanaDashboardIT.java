package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard in {@code deploy/grafana/} asks Prometheus only for what maitre publishes: every
 * metric its queries name is in {@code GET /metrics} of a running maitre with a TLS listener, a cluster
 * and a request answered, or, for the two made only when their first event happens, in the README's
 * table of metrics. Every panel queries the dashboard's Prometheus data source.
 */
@Timeout(60)
class GrafanaDashboardIT {

    /** Metrics made at their first event, which the scrape of a quiet maitre cannot show. */
    private static final Map<String, String> MADE_LATER = Map.of(
            "maitre_backend_grpc_responses_total", "made at a backend's first gRPC answer",
            "maitre_health_events_total", "made at the first health transition or ejection");
    private static final Pattern METRIC = Pattern.compile("maitre_[a-z_]+");

    @TempDir
    Path dir;

    @Test
    void queriesOnlyWhatMaitrePublishes() throws Exception {
        Path root = projectRoot();
        JsonNode dashboard = new ObjectMapper().readTree(root.resolve("deploy/grafana/maitre-dashboard.json").toFile());
        Set<String> queried = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText())
                    .isEqualTo("${datasource}");
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                Matcher names = METRIC.matcher(target.get("expr").asText());
                while (names.find()) {
                    queried.add(names.group());
                }
            }
        }
        assertThat(queried).hasSizeGreaterThan(10);

        String scrape = scrapeOfABusyMaitre();
        String readme = Files.readString(root.resolve("README.md"));
        for (String metric : queried) {
            if (MADE_LATER.containsKey(metric)) {
                assertThat(readme).as(metric + " (" + MADE_LATER.get(metric) + ") in the README").contains(metric);
            } else {
                assertThat(scrape).as(metric + " in GET /metrics").containsPattern("(?m)^" + metric + "[{ ]");
            }
        }
    }

    private String scrapeOfABusyMaitre() throws Exception {
        TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");
        PemFiles site = authority.issue(TestCertificates.KeyKind.ECDSA, "shop.test").write(dir, "shop");
        try (RawBackend backend = RawBackend.answering("ok")) {
            Path file = ConfigFiles.write(dir, "maitre.yaml", """
                    admin:
                      bind: 127.0.0.1:0
                    listeners:
                      - name: web
                        bind: 127.0.0.1:0
                        protocol: http
                        routes: [ { cluster: app } ]
                      - name: secure
                        bind: 127.0.0.1:0
                        protocol: http
                        tls: { certFile: %s, keyFile: %s }
                        routes: [ { cluster: app } ]
                    clusters:
                      - name: app
                        backends:
                          - address: %s
                    """.formatted(site.certFile(), site.keyFile(), backend.address()));
            MaitreServer server = MaitreServer.start(YamlConfigLoader.load(file), file);
            try {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                InetSocketAddress web = server.address("web");
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + web.getPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.body()).isEqualTo("ok");
                handshake(authority, server.address("secure"));
                InetSocketAddress admin = server.adminAddress();
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
            } finally {
                server.stop("test over");
            }
        }
    }

    /** One TLS handshake and request, which the TLS counters count. */
    private static void handshake(TestCertificates.Authority authority, InetSocketAddress address) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(),
                address.getPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("ok");
        }
    }

    private static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.exists(here.resolve("deploy/grafana/maitre-dashboard.json"))) {
            here = here.getParent();
        }
        assertThat(here).as("the project root, above " + Path.of("").toAbsolutePath()).isNotNull();
        return here;
    }
}
