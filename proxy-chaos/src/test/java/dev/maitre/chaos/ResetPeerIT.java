package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import org.junit.jupiter.api.Test;

/** Every connection to a backend is reset as soon as maitre sends on it (Toxiproxy's {@code reset_peer}). */
class ResetPeerIT {

    @Test
    void resettingBackendLeavesRotationWithinTheRefusedWindowWithoutClientErrors() throws Exception {
        ScenarioResult result = FailoverRun.quick("reset-peer", "reset_peer: connections reset by the backend's side",
                Fault.resetPeer()).run();
        assertThat(result.failures()).isEmpty();
    }
}
