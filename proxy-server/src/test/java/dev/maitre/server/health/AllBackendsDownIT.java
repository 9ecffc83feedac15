package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.Configs;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the checks have found every backend down, clients get 503 at once: maitre never hangs. */
@Timeout(60)
class AllBackendsDownIT {

    /** "At once" with room for a loaded machine; the answer needs no backend, so it is usually a few ms. */
    private static final Duration AT_ONCE = Duration.ofMillis(500);

    @Test
    void everyBackendUnhealthyAnswers503WellUnderASecond() throws Exception {
        try (TestBackend one = TestBackend.start("one"); TestBackend two = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null, one, two))) {
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);

            one.crash();
            two.crash();
            maitre.awaitState(one.address(), "UNHEALTHY", Duration.ofSeconds(10));
            maitre.awaitState(two.address(), "UNHEALTHY", Duration.ofSeconds(10));

            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = maitre.get("/");
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(took).as("time to the 503").isLessThan(AT_ONCE);
                long startNew = System.nanoTime();
                assertThat(maitre.getOnNewConnection("/")).startsWith("HTTP/1.1 503");
                assertThat(Duration.ofNanos(System.nanoTime() - startNew)).as("time to the 503, new connection")
                        .isLessThan(AT_ONCE);
            }
        }
    }
}
