package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.Configs;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /metrics} as Prometheus scrapes it, after real traffic through the proxy. */
@Timeout(60)
class MetricsIT {

    private TestBackend one;
    private TestBackend two;
    private RunningMaitre maitre;

    @BeforeEach
    void start() throws Exception {
        one = TestBackend.start("one");
        two = TestBackend.start("two");
        maitre = RunningMaitre.start(RunningMaitre.cluster(
                Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null, one, two));
    }

    @AfterEach
    void stop() {
        if (maitre != null) {
            maitre.close();
        }
        one.close();
        two.close();
    }

    @Test
    void metricsCountRequestsPerBackendAndOutcomeAndShowEachBackendsState() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);
        }
        two.answerWith(503);
        for (int i = 0; i < 2; i++) {
            maitre.get("/");
        }

        HttpResponse<String> metrics = maitre.admin("GET", "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        String text = metrics.body();
        String oneTags = "backend=\"" + one.address() + "\",cluster=\"app\"";
        String twoTags = "backend=\"" + two.address() + "\",cluster=\"app\"";
        assertThat(text).contains("maitre_backend_requests_total{" + oneTags + ",outcome=\"2xx\"} 4")
                .contains("maitre_backend_requests_total{" + twoTags + ",outcome=\"2xx\"} 3")
                .contains("maitre_backend_requests_total{" + twoTags + ",outcome=\"5xx\"} 1")
                .contains("maitre_backend_request_seconds_count{" + oneTags + "} 4")
                .contains("maitre_backend_request_seconds_bucket{" + oneTags + ",le=\"+Inf\"} 4")
                .contains("maitre_backend_request_seconds_bucket{" + oneTags + ",le=\"1.0E-4\"} ")
                .contains("maitre_backend_state{" + oneTags + ",state=\"healthy\"} 1")
                .contains("maitre_backend_eligible{" + oneTags + "} 1")
                .contains("maitre_backend_active_requests{" + oneTags + "} 0")
                .contains("maitre_cluster_no_backend_total{cluster=\"app\"} 0")
                .contains("maitre_open_connections")
                .contains("maitre_buffered_bytes")
                .containsPattern("maitre_client_timeouts_total\\{listener=\"[^\"]+\"} 0");
        assertThat(maitre.admin("POST", "/metrics").statusCode()).isEqualTo(405);
    }
}
