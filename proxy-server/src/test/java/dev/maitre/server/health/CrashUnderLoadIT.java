package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.testing.Configs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend crashes while clients send a steady stream of GETs: retries cover the requests until
 * outlier detection and the active checks take it out of rotation, so no client sees an error.
 */
@Timeout(90)
class CrashUnderLoadIT {

    private static final int CLIENTS = 4;

    @Test
    void aBackendCrashUnderSteadyGetLoadCostsClientsNothing() throws Exception {
        try (TestBackend one = TestBackend.start("one"); TestBackend crashing = TestBackend.start("two");
             TestBackend three = TestBackend.start("three");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1),
                     new OutlierDetectionConfig(3, Duration.ofSeconds(30), 50), one, crashing, three));
             RequestLoop loop = RequestLoop.start(maitre, CLIENTS, Duration.ofSeconds(60))) {
            awaitAtLeast(loop, 200);

            crashing.crash();
            maitre.awaitState(crashing.address(), "UNHEALTHY", Duration.ofSeconds(10));
            int afterDetection = loop.sent();
            awaitAtLeast(loop, afterDetection + 200);

            assertThat(loop.stop()).as("requests that failed, of %d", loop.sent()).isEmpty();
        }
    }

    private static void awaitAtLeast(RequestLoop loop, int sent) throws InterruptedException {
        for (int i = 0; i < 3000 && loop.sent() < sent; i++) {
            Thread.sleep(10);
        }
        assertThat(loop.sent()).as("requests sent within 30 s").isGreaterThanOrEqualTo(sent);
    }
}
