package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import org.junit.jupiter.api.Test;

/** The road to a backend is closed: its Toxiproxy proxy disabled, connections refused. */
class ProxyDisabledIT {

    @Test
    void refusingBackendLeavesRotationWithinTheRefusedWindowWithoutClientErrors() throws Exception {
        ScenarioResult result = FailoverRun.quick("refused", "Toxiproxy proxy disabled: connection refused",
                Fault.refused()).run();
        assertThat(result.failures()).isEmpty();
    }
}
