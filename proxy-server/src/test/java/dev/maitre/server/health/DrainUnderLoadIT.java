package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.testing.Configs;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Draining a backend through the admin API while clients keep sending requests: nobody sees an
 * error, the drained backend gets no new request once the drain call has returned, and enabling it
 * puts it back into rotation.
 */
@Timeout(90)
class DrainUnderLoadIT {

    private static final int CLIENTS = 4;
    private static final Duration RUN_AT_MOST = Duration.ofSeconds(60);

    @Test
    void drainingUnderARequestLoopCostsNoRequestAndEnableBringsTheBackendBack() throws Exception {
        try (TestBackend drained = TestBackend.start("one"); TestBackend other = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null,
                     drained, other));
             RequestLoop loop = RequestLoop.start(maitre, CLIENTS, RUN_AT_MOST)) {
            awaitRequests(drained, 20);

            String drainPath = "/api/clusters/app/backends/" + drained.address() + "/drain";
            HttpResponse<String> drain = maitre.admin("POST", drainPath);
            // each client may have one request on its way to the backend, picked before the drain took effect
            int allowedInFlight = CLIENTS;
            int servedAtDrain = drained.requests();

            assertThat(drain.statusCode()).as(drain.body()).isEqualTo(200);
            JsonNode view = RunningMaitre.json(drain.body());
            assertThat(view.get("state").asText()).isEqualTo("DRAINING");
            assertThat(view.get("eligible").asBoolean()).isFalse();
            int otherAtDrain = other.requests();
            awaitRequests(other, otherAtDrain + 200);
            assertThat(drained.requests()).as("requests the drained backend got after the drain returned")
                    .isLessThanOrEqualTo(servedAtDrain + allowedInFlight);
            assertThat(maitre.state(drained.address())).as("checks go on, draining stays").isEqualTo("DRAINING");

            HttpResponse<String> enable = maitre.admin("POST", "/api/clusters/app/backends/" + drained.address() + "/enable");
            assertThat(enable.statusCode()).as(enable.body()).isEqualTo(200);
            assertThat(RunningMaitre.json(enable.body()).get("state").asText()).isEqualTo("HEALTHY");
            int servedAtEnable = drained.requests();
            awaitRequests(drained, servedAtEnable + 20);

            assertThat(loop.stop()).as("requests that failed, of %d", loop.sent()).isEmpty();
            JsonNode events = maitre.adminJson("GET", "/api/events").get("events");
            assertThat(events.findValuesAsText("reason")).contains("drained by admin");
        }
    }

    /** Waits, bounded in time, until {@code backend} has served {@code count} requests. */
    private static void awaitRequests(TestBackend backend, int count) throws InterruptedException {
        for (int i = 0; i < 3000 && backend.requests() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(backend.requests()).as("requests served by %s within 30 s", backend.name())
                .isGreaterThanOrEqualTo(count);
    }
}
