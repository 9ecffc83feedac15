package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.testing.Configs;
import dev.maitre.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's charts as a person sees them in a real headless Chromium, after real traffic to
 * two clusters, one of whose backends answers 500 and then crashes. Keeps a screenshot of the page
 * in {@code target/dashboard-screenshot.png}.
 */
@Timeout(120)
class DashboardChartsIT {

    private static final Path SCREENSHOT = Path.of("target", "dashboard-screenshot.png");
    private static final List<String> SERIES = List.of("requestsPerSecond", "errorRate", "p50Ms", "p99Ms");

    private static Path chromium() {
        String named = System.getenv("CHROMIUM");
        Path path = Path.of(named != null ? named : "/usr/bin/chromium");
        Requirements.require(Files.isExecutable(path), "Chromium at " + path + " (apt-get install chromium, or set CHROMIUM)");
        return path;
    }

    @Test
    void theChartsShowEachClustersAndBackendsTrafficAndHealthBandsAndTheTablesTheListenersAndRoutes()
            throws Exception {
        Path chromium = chromium();
        HealthCheckConfig check = Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1);
        ExecutorService traffic = Executors.newSingleThreadExecutor();
        AtomicBoolean sending = new AtomicBoolean(true);
        try (TestBackend one = TestBackend.start("one");
             TestBackend two = TestBackend.start("two");
             TestBackend three = TestBackend.start("three");
             RunningMaitre maitre = RunningMaitre.start(config(check, one, two, three));
             ChromiumPage page = ChromiumPage.open(chromium, 1440, 1000)) {
            two.answerWith(500);
            traffic.execute(() -> {
                for (int i = 0; sending.get() && i < 100_000; i++) {
                    try {
                        maitre.get(i % 3 == 0 ? "/api/orders" : "/");
                        Thread.sleep(5);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            awaitHistory(maitre, h -> h.get("times").size() >= 2);
            two.crash();
            maitre.awaitState(two.address(), "UNHEALTHY", Duration.ofSeconds(10));
            awaitHistory(maitre, h -> h.toString().contains("\"UNHEALTHY\""));

            page.navigate(maitre.adminUrl("/"));
            String app = "document.querySelector('section[data-cluster=\"app\"]')";
            page.awaitTrue(app + ".querySelectorAll('svg.chart').length === 4 && "
                    + app + ".querySelector('rect.band[data-state=\"UNHEALTHY\"]') !== null");

            for (String cluster : List.of("app", "api")) {
                for (String series : SERIES) {
                    String chart = "document.querySelector('section[data-cluster=\"" + cluster
                            + "\"] svg.chart[data-series=\"" + series + "\"]')";
                    assertThat(page.evaluate(chart + ".querySelector('path[data-total]').getAttribute('d')").asText())
                            .as("the %s line of cluster %s", series, cluster).matches("M[0-9. ]+( L[0-9. ]+)+.*");
                }
            }
            for (TestBackend backend : List.of(one, two)) {
                assertThat(paths(page, "app", backend)).as("the lines of %s", backend.name())
                        .hasSize(4).allSatisfy(d -> assertThat(d).matches("M[0-9. ]+( L[0-9. ]+)+.*"));
            }
            assertThat(paths(page, "api", three)).hasSize(4);
            assertThat(page.evaluate("[...document.querySelectorAll('rect.band[data-backend=\"" + two.address()
                    + "\"]')].map(r => r.dataset.state)").toString()).isEqualTo("[\"HEALTHY\",\"UNHEALTHY\"]");
            assertThat(page.evaluate("[...document.querySelectorAll('rect.band[data-backend=\"" + one.address()
                    + "\"]')].map(r => r.dataset.state + ' ' + (Number(r.getAttribute('width')) > 0))").toString())
                    .isEqualTo("[\"HEALTHY true\"]");
            // error rate: the failing backend's points at the top of the chart (100%), the other's at its foot (0%)
            assertThat(yValues(page, two, "errorRate")).isNotEmpty().containsOnly(8.0);
            assertThat(yValues(page, one, "errorRate")).isNotEmpty().containsOnly(102.0);
            assertThat(text(page, "#listeners tr[data-listener=\"web\"]"))
                    .startsWith("web 127.0.0.1:0 127.0.0.1:" + maitre.proxy().getPort() + " http no ");
            assertThat(page.evaluate("[...document.querySelectorAll('#routes tr')].map(r => r.textContent)").toString())
                    .isEqualTo("[\"webdashboard.example.com/→api\",\"webany/api→api\",\"webanyany→app\"]");

            page.screenshot(SCREENSHOT);
            assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
        } finally {
            sending.set(false);
            traffic.shutdown();
            traffic.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Listener {@code web}: {@code dashboard.example.com/} and {@code /api} to {@code api}, the rest to {@code app}. */
    private static ProxyConfig config(HealthCheckConfig check, TestBackend one, TestBackend two, TestBackend three) {
        ClusterConfig app = Configs.cluster("app", check, null, 0, List.of(one.address(), two.address()));
        ClusterConfig api = Configs.cluster("api", check, null, 0, List.of(three.address()));
        ListenerConfig web = ListenerConfig.http("web", new HostPort("127.0.0.1", 0), List.of(
                new RouteConfig("dashboard.example.com", "/", "api"),
                new RouteConfig(null, "/api", "api"),
                RouteConfig.catchAll("app")));
        return new ProxyConfig(new AdminConfig(new HostPort("127.0.0.1", 0)), 2, Duration.ofSeconds(2),
                AccessLogConfig.defaults(), List.of(web), List.of(app, api));
    }

    /** The {@code d} of each chart line of {@code backend} in {@code cluster}'s section. */
    private static List<String> paths(ChromiumPage page, String cluster, TestBackend backend) throws Exception {
        JsonNode paths = page.evaluate("[...document.querySelectorAll('section[data-cluster=\"" + cluster
                + "\"] svg.chart path[data-backend=\"" + backend.address() + "\"]')].map(p => p.getAttribute('d'))");
        return java.util.stream.StreamSupport.stream(paths.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** The y of each point of {@code backend}'s line in cluster {@code app}'s chart of {@code series}. */
    private static List<Double> yValues(ChromiumPage page, TestBackend backend, String series) throws Exception {
        String d = page.evaluate("document.querySelector('section[data-cluster=\"app\"] svg.chart[data-series=\""
                + series + "\"] path[data-backend=\"" + backend.address() + "\"]').getAttribute('d')").asText();
        return java.util.Arrays.stream(d.split("[ML]")).map(String::strip).filter(p -> !p.isEmpty())
                .map(p -> Double.parseDouble(p.split(" ")[1])).toList();
    }

    private static String text(ChromiumPage page, String selector) throws Exception {
        return page.evaluate("[...document.querySelector('" + selector.replace("'", "\\'")
                + "').cells].map(c => c.textContent).join(' ')").asText();
    }

    private static void awaitHistory(RunningMaitre maitre, java.util.function.Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode history = null;
        while (System.nanoTime() < deadline) {
            history = maitre.adminJson("GET", "/api/history");
            if (done.test(history)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not seen within 20 s in /api/history: " + history);
    }
}
