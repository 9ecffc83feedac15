package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import org.junit.jupiter.api.Test;

/** A backend process dies (WireMock stopped behind its proxy) and comes back at the same address. */
class BackendCrashIT {

    @Test
    void crashedBackendLeavesRotationWithinTheRefusedWindowWithoutClientErrors() throws Exception {
        ScenarioResult result = FailoverRun.quick("crash", "backend crash: WireMock stopped, Toxiproxy accepts then closes",
                Fault.crash()).run();
        assertThat(result.failures()).isEmpty();
    }
}
