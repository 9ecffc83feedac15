package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.testing.Configs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outlier detection under traffic: a backend whose answers fail is ejected after a few requests, long
 * before the next active check could notice, and the admin API shows it ejected.
 */
@Timeout(60)
class PassiveEjectionIT {

    private static final int CONSECUTIVE_FAILURES = 3;
    /** Checks so far apart that none but the first round runs during the test; and /healthz passes anyway. */
    private static final Duration SLOW_CHECKS = Duration.ofSeconds(30);

    @Test
    void aBackendAnswering500IsEjectedBeforeActiveChecksCouldCatchIt() throws Exception {
        try (TestBackend good = TestBackend.start("good"); TestBackend failing = TestBackend.start("failing");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(SLOW_CHECKS, Duration.ofSeconds(2), 3, 2, 0.1),
                     new OutlierDetectionConfig(CONSECUTIVE_FAILURES, Duration.ofSeconds(30), 50), good, failing))) {
            failing.answerWith(500);
            long start = System.nanoTime();

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4 * CONSECUTIVE_FAILURES; i++) {
                statuses.add(maitre.get("/").statusCode());
            }
            long sent = System.nanoTime() - start;

            // round robin: every second request went to the failing backend until it was ejected
            assertThat(statuses.stream().filter(status -> status == 500).count())
                    .as("500s clients saw: %s", statuses).isEqualTo(CONSECUTIVE_FAILURES);
            assertThat(statuses.subList(2 * CONSECUTIVE_FAILURES, statuses.size())).as("after the ejection: %s", statuses)
                    .containsOnly(200);
            assertThat(Duration.ofNanos(sent)).as("ejected within the first requests, long before a second check")
                    .isLessThan(SLOW_CHECKS.dividedBy(2));

            JsonNode view = maitre.backend(failing.address());
            assertThat(view.get("ejected").asBoolean()).isTrue();
            assertThat(view.get("eligible").asBoolean()).isFalse();
            assertThat(view.get("ejectedUntil").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(view.get("state").asText()).as("the checks still pass").isEqualTo("HEALTHY");
            JsonNode events = maitre.adminJson("GET", "/api/events").get("events");
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.get("kind").asText()).isEqualTo("EJECTED");
            assertThat(last.get("backend").asText()).isEqualTo(failing.address().toString());
        }
    }

    @Test
    void aBackendThatRefusesConnectionsIsEjectedAndClientsSeeNoError() throws Exception {
        try (TestBackend good = TestBackend.start("good"); TestBackend crashed = TestBackend.start("crashed");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(SLOW_CHECKS, Duration.ofSeconds(2), 3, 2, 0.1),
                     new OutlierDetectionConfig(CONSECUTIVE_FAILURES, Duration.ofSeconds(30), 50), good, crashed))) {
            crashed.crash();

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4 * CONSECUTIVE_FAILURES; i++) {
                HttpResponse<String> response = maitre.get("/");
                statuses.add(response.statusCode());
            }

            assertThat(statuses).as("connect failures are retried on the good backend").containsOnly(200);
            JsonNode view = maitre.backend(crashed.address());
            assertThat(view.get("ejected").asBoolean()).isTrue();
            assertThat(view.get("state").asText()).as("no check has failed three times yet").isEqualTo("HEALTHY");
        }
    }
}
