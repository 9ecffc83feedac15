package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.testing.Configs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend that crashes leaves rotation within the refused window of DESIGN.md §3, and comes back
 * within the recovery window once it listens again on the same port, as the admin API shows it.
 */
@Timeout(60)
class BackendCrashAndRecoveryIT {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final int FALL = 2;
    private static final int RISE = 2;
    private static final double JITTER = 0.10;
    /**
     * Timers and threads fire late, never early; on a busy 2-core machine running parallel builds a
     * check can start several hundred ms late, and the poll sees a change up to one poll (10 ms plus
     * an admin round trip) after it happened.
     */
    private static final long LATE = Duration.ofMillis(1500).toNanos();
    /** The state is read by polling: an observation can be a little early only by clock granularity. */
    private static final long EARLY = Duration.ofMillis(50).toNanos();

    @Test
    void aCrashedBackendIsUnhealthyWithinTheRefusedWindowAndHealthyWithinTheRecoveryWindow() throws Exception {
        try (TestBackend crashing = TestBackend.start("one"); TestBackend steady = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(INTERVAL, TIMEOUT, FALL, RISE, JITTER), null, crashing, steady))) {
            awaitPassedCheck(maitre, crashing);

            long beforeCrash = System.nanoTime();
            crashing.crash();
            long afterCrash = System.nanoTime();
            long down = maitre.awaitState(crashing.address(), "UNHEALTHY", Duration.ofSeconds(10));

            // refused: within [(F-1)·I·(1-J), F·I·(1+J)] after the crash
            assertThat(down - afterCrash).isGreaterThanOrEqualTo(nanos((FALL - 1) * INTERVAL.toMillis() * (1 - JITTER)) - EARLY);
            assertThat(down - beforeCrash).isLessThanOrEqualTo(nanos(FALL * INTERVAL.toMillis() * (1 + JITTER)) + LATE);
            JsonNode event = lastEvent(maitre);
            assertThat(event.get("to").asText()).isEqualTo("UNHEALTHY");
            assertThat(event.get("reason").asText()).isEqualTo(FALL + " consecutive failures: connection refused");
            assertThat(maitre.backend(crashing.address()).get("lastCheck").get("result").asText()).isEqualTo("failed");
            assertThat(maitre.state(steady.address())).isEqualTo("HEALTHY");

            long beforeRevival = System.nanoTime();
            crashing.revive();
            long afterRevival = System.nanoTime();
            long up = maitre.awaitState(crashing.address(), "HEALTHY", Duration.ofSeconds(10));

            // recovery: within [(R-1)·I·(1-J), R·I·(1+J)] plus one check's round trip
            assertThat(up - afterRevival).isGreaterThanOrEqualTo(nanos((RISE - 1) * INTERVAL.toMillis() * (1 - JITTER)) - EARLY);
            assertThat(up - beforeRevival).isLessThanOrEqualTo(nanos(RISE * INTERVAL.toMillis() * (1 + JITTER)) + LATE);
            assertThat(lastEvent(maitre).get("reason").asText()).isEqualTo(RISE + " consecutive successes");
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);
        }
    }

    private static void awaitPassedCheck(RunningMaitre maitre, TestBackend backend) throws Exception {
        for (int i = 0; i < 500; i++) {
            JsonNode lastCheck = maitre.backend(backend.address()).get("lastCheck");
            if (!lastCheck.isNull() && lastCheck.get("result").asText().equals("ok")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no passed check of " + backend.address());
    }

    private static JsonNode lastEvent(RunningMaitre maitre) throws Exception {
        JsonNode events = maitre.adminJson("GET", "/api/events").get("events");
        assertThat(events.size()).isPositive();
        return events.get(events.size() - 1);
    }

    private static long nanos(double millis) {
        return Math.round(millis * 1_000_000);
    }
}
