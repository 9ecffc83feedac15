package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import org.junit.jupiter.api.Test;

/**
 * A backend slows down beyond the check timeout (1.2 s of latency against checks of 0.5 s) but
 * within the response timeout (2 s): its checks fail as for a black hole, the requests it already
 * has succeed, slowly.
 */
class LatencyIT {

    @Test
    void slowBackendLeavesRotationWithinTheBlackHoleWindowWithoutClientErrors() throws Exception {
        ScenarioResult result = FailoverRun.quick("latency", "latency above the check timeout (Toxiproxy latency toxic)",
                Fault.latency(1200)).run();
        assertThat(result.failures()).isEmpty();
    }
}
