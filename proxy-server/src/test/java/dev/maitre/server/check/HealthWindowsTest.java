package dev.maitre.server.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthWindowsTest {

    @Test
    void defaultTimingGivesTheWindowsOfTheHealthRules() {
        HealthWindows windows = HealthWindows.of(HealthCheckConfig.defaults());

        assertThat(windows.refused()).isEqualTo(window(18_000, 33_000));
        assertThat(windows.blackHole()).isEqualTo(window(20_000, 35_000));
        assertThat(windows.recovery()).isEqualTo(window(9_000, 22_000));
    }

    @Test
    void windowsPrintInSeconds() {
        HealthWindows windows = HealthWindows.of(HealthCheckConfig.defaults());

        assertThat(windows.refused()).hasToString("18-33 s");
        assertThat(windows.blackHole()).hasToString("20-35 s");
        assertThat(windows.recovery()).hasToString("9-22 s");
    }

    @Test
    void withoutJitterEveryWaitIsOneInterval() {
        HealthWindows windows = HealthWindows.of(check(Duration.ofSeconds(30), Duration.ofSeconds(5), 2, 3, 0));

        assertThat(windows.refused()).isEqualTo(window(30_000, 60_000));
        assertThat(windows.blackHole()).isEqualTo(window(35_000, 65_000));
        assertThat(windows.recovery()).isEqualTo(window(60_000, 90_000));
    }

    @Test
    void fractionalSecondsKeepTheirMilliseconds() {
        HealthWindows windows = HealthWindows.of(check(Duration.ofSeconds(15), Duration.ofMillis(1500), 3, 2, 0.1));

        assertThat(windows.refused()).isEqualTo(window(27_000, 49_500));
        assertThat(windows.refused()).hasToString("27-49.5 s");
        assertThat(windows.blackHole()).hasToString("28.5-51 s");
        assertThat(windows.recovery()).hasToString("13.5-33 s");
    }

    @Test
    void aThresholdOfOneCanActAtTheFirstCheck() {
        HealthWindows windows = HealthWindows.of(check(Duration.ofMillis(500), Duration.ofMillis(100), 1, 1, 0.5));

        assertThat(windows.refused()).hasToString("0-0.75 s");
        assertThat(windows.blackHole()).hasToString("0.1-0.85 s");
        assertThat(windows.recovery()).hasToString("0-0.75 s");
    }

    private static HealthWindows.Window window(long earliestMillis, long latestMillis) {
        return new HealthWindows.Window(Duration.ofMillis(earliestMillis), Duration.ofMillis(latestMillis));
    }

    static HealthCheckConfig check(Duration interval, Duration timeout, int unhealthyThreshold,
            int healthyThreshold, double jitter) {
        HealthCheckConfig d = HealthCheckConfig.defaults();
        return new HealthCheckConfig(d.protocol(), d.path(), d.host(), d.expectStatus(), interval, timeout,
                unhealthyThreshold, healthyThreshold, jitter, HealthState.HEALTHY);
    }
}
