package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.load.ClientProtocol;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backend process dies (WireMock stopped behind its proxy) and comes back at the same address,
 * with HTTP/1.1 clients ({@code crash}) and with HTTP/2 clients ({@code crash-h2}).
 */
class BackendCrashIT {

    @ParameterizedTest
    @EnumSource(ClientProtocol.class)
    void crashedBackendLeavesRotationWithinTheRefusedWindowWithoutClientErrors(ClientProtocol clients) throws Exception {
        ScenarioResult result = FailoverRun.quick("crash", "backend crash: WireMock stopped, Toxiproxy accepts then closes",
                Fault.crash()).withClients(clients).run();
        assertThat(result.failures()).isEmpty();
    }
}
