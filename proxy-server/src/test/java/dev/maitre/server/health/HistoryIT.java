package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.testing.Configs;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/history} and {@code GET /api/listeners} after real traffic through maitre to real
 * backends, one of which answers 500 and then crashes. The history samples every 5 s, so each wait
 * here spans a sample or two.
 */
@Timeout(90)
class HistoryIT {

    private static final Duration SAMPLES = Duration.ofSeconds(20);

    @Test
    void theHistoryCountsTheRequestsTheirErrorsAndLatencyAndShowsABackendGoingDown() throws Exception {
        try (TestBackend one = TestBackend.start("one");
             TestBackend two = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null, one, two))) {
            two.answerWith(500);
            for (int i = 0; i < 40; i++) {
                maitre.get("/");
            }

            JsonNode history = await(maitre, h -> requests(cluster(h)) >= 39.5);

            assertThat(history.get("intervalSeconds").asInt()).isEqualTo(5);
            assertThat(history.get("capacity").asInt()).isEqualTo(180);
            JsonNode app = cluster(history);
            assertThat(requests(app)).isCloseTo(40, within(0.5));
            assertThat(requests(backend(app, one.address().toString()))).isCloseTo(20, within(0.5));
            assertThat(requests(backend(app, two.address().toString()))).isCloseTo(20, within(0.5));
            assertThat(withTraffic(app, "errorRate")).isNotEmpty().allSatisfy(rate -> assertThat(rate).isBetween(0.3, 0.7));
            assertThat(withTraffic(backend(app, two.address().toString()), "errorRate")).containsOnly(1.0);
            assertThat(withTraffic(backend(app, one.address().toString()), "errorRate")).containsOnly(0.0);
            assertThat(withTraffic(app, "p50Ms")).isNotEmpty().allSatisfy(ms -> assertThat(ms).isGreaterThan(0));
            assertThat(withTraffic(app, "p99Ms")).isNotEmpty().allSatisfy(ms -> assertThat(ms).isGreaterThan(0));
            assertThat(history.get("times")).hasSizeGreaterThanOrEqualTo(1);
            assertThat(bandStates(backend(app, two.address().toString()))).containsExactly("HEALTHY");

            two.crash();
            maitre.awaitState(two.address(), "UNHEALTHY", Duration.ofSeconds(10));
            history = await(maitre, h -> lastBand(backend(cluster(h), two.address().toString())).equals("UNHEALTHY"));

            assertThat(bandStates(backend(cluster(history), two.address().toString())))
                    .containsExactly("HEALTHY", "UNHEALTHY");
            assertThat(bandStates(backend(cluster(history), one.address().toString()))).containsExactly("HEALTHY");
            JsonNode bands = backend(cluster(history), two.address().toString()).get("health");
            assertThat(bands.get(1).get("from").asLong()).isEqualTo(bands.get(0).get("to").asLong());
        }
    }

    @Test
    void theListenersShowTheirAddressProtocolConnectionsAndRoutes() throws Exception {
        try (TestBackend one = TestBackend.start("one");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one));
             Socket client = new Socket("127.0.0.1", maitre.proxy().getPort())) {
            JsonNode web = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && (web == null || web.get("connections").asInt() < 1)) {
                web = maitre.adminJson("GET", "/api/listeners").get("listeners").get(0);
                Thread.sleep(20);
            }

            assertThat(web.get("name").asText()).isEqualTo("web");
            assertThat(web.get("bind").asText()).isEqualTo("127.0.0.1:0");
            assertThat(web.get("address").asText()).isEqualTo("127.0.0.1:" + maitre.proxy().getPort());
            assertThat(web.get("protocol").asText()).isEqualTo("http");
            assertThat(web.get("tls").asBoolean()).isFalse();
            assertThat(web.get("connections").asInt()).isEqualTo(1);
            assertThat(web.get("routes").get(0).get("cluster").asText()).isEqualTo("app");
            assertThat(web.get("routes").get(0).get("host").isNull()).isTrue();
            assertThat(maitre.admin("POST", "/api/listeners").statusCode()).isEqualTo(405);
            assertThat(maitre.admin("POST", "/api/history").statusCode()).isEqualTo(405);
        }
    }

    /** Polls the history until {@code done} holds; fails after {@link #SAMPLES}, showing the last answer. */
    private static JsonNode await(RunningMaitre maitre, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + SAMPLES.toNanos();
        JsonNode history = null;
        while (System.nanoTime() < deadline) {
            history = maitre.adminJson("GET", "/api/history");
            if (!cluster(history).isMissingNode() && done.test(history)) {
                return history;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not seen within " + SAMPLES + " in /api/history: " + history);
    }

    private static JsonNode cluster(JsonNode history) {
        return history.path("clusters").path(0);
    }

    private static JsonNode backend(JsonNode cluster, String address) {
        for (JsonNode backend : cluster.path("backends")) {
            if (backend.get("address").asText().equals(address)) {
                return backend;
            }
        }
        throw new AssertionError("no backend " + address + " in " + cluster);
    }

    /** The requests a series counts: the sum of its rates times the interval. */
    private static double requests(JsonNode series) {
        double total = 0;
        for (JsonNode rate : series.path("requestsPerSecond")) {
            total += rate.asDouble() * 5;
        }
        return total;
    }

    /** The points of {@code series} in intervals that had requests. */
    private static List<Double> withTraffic(JsonNode node, String series) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < node.get(series).size(); i++) {
            if (node.get("requestsPerSecond").get(i).asDouble() > 0) {
                values.add(node.get(series).get(i).asDouble());
            }
        }
        return values;
    }

    private static List<String> bandStates(JsonNode backend) {
        List<String> states = new ArrayList<>();
        backend.get("health").forEach(band -> states.add(band.get("state").asText()));
        return states;
    }

    private static String lastBand(JsonNode backend) {
        List<String> states = bandStates(backend);
        return states.isEmpty() ? "" : states.get(states.size() - 1);
    }
}
