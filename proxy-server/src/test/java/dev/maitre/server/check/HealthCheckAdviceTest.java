package dev.maitre.server.check;

import static dev.maitre.server.check.HealthWindowsTest.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.HealthCheckConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckAdviceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void defaultsNeedNoAdvice() {
        assertThat(HealthCheckAdvice.of(HealthCheckConfig.defaults())).isEmpty();
    }

    @Test
    void theEdgesOfTheRecommendedRangesNeedNoAdvice() {
        assertThat(HealthCheckAdvice.of(check(Duration.ofSeconds(10), TIMEOUT, 2, 3, 0.1))).isEmpty();
        assertThat(HealthCheckAdvice.of(check(Duration.ofSeconds(30), TIMEOUT, 3, 2, 0.1))).isEmpty();
    }

    @Test
    void anIntervalUnderTenSecondsIsPointedOut() {
        assertThat(HealthCheckAdvice.of(check(Duration.ofSeconds(5), TIMEOUT, 3, 2, 0.1)))
                .containsExactly("healthCheck.interval: 5s (recommended: 10s to 30s)");
    }

    @Test
    void anIntervalOverThirtySecondsIsPointedOut() {
        assertThat(HealthCheckAdvice.of(check(Duration.ofMillis(30_500), TIMEOUT, 3, 2, 0.1)))
                .containsExactly("healthCheck.interval: 30500ms (recommended: 10s to 30s)");
        assertThat(HealthCheckAdvice.of(check(Duration.ofMinutes(1), TIMEOUT, 3, 2, 0.1)))
                .containsExactly("healthCheck.interval: 1m (recommended: 10s to 30s)");
    }

    @Test
    void thresholdsOutsideTwoToThreeArePointedOut() {
        assertThat(HealthCheckAdvice.of(check(Duration.ofSeconds(10), TIMEOUT, 1, 4, 0.1))).containsExactly(
                "healthCheck.unhealthyThreshold: 1 (recommended: 2 to 3)",
                "healthCheck.healthyThreshold: 4 (recommended: 2 to 3)");
    }
}
