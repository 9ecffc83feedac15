package dev.maitre.chaos.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthRulesTest {

    private final HealthRules defaults = new HealthRules(Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 10);

    @Test
    void defaultRulesGiveTheWindowsOfTheDesign() {
        assertThat(defaults.refusedWindow()).isEqualTo(new Window(18_000, 33_000));
        assertThat(defaults.blackHoleWindow()).isEqualTo(new Window(20_000, 35_000));
        assertThat(defaults.recoveryWindow(false)).isEqualTo(new Window(9_000, 22_000 + HealthRules.ROUND_TRIP_MILLIS));
    }

    @Test
    void aCheckInFlightAtTheRepairMayPassOneTimeoutEarly() {
        assertThat(defaults.recoveryWindow(true).fromMillis()).isEqualTo(7_000);
    }

    @Test
    void quickRulesKeepTheShapeOnAOneSecondInterval() {
        HealthRules quick = HealthRules.quick();
        assertThat(quick.refusedWindow()).isEqualTo(new Window(1_800, 3_300));
        assertThat(quick.blackHoleWindow()).isEqualTo(new Window(2_300, 3_800));
    }

    @Test
    void yamlSaysWhatTheRulesAre() {
        assertThat(HealthRules.release(Duration.ofSeconds(30), 2).yaml())
                .isEqualTo("{ protocol: http, path: /healthz, interval: 30000ms, timeout: 2000ms, "
                        + "unhealthyThreshold: 2, healthyThreshold: 2, jitter: 10% }");
    }
}
