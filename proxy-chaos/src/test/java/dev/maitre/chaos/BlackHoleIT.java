package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.scenario.FailoverRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A backend turns into a black hole: connections open, nothing ever comes back (Toxiproxy's
 * {@code timeout} toxic). Requests already sent to it cannot be retried safely; they end with 504
 * at the response timeout, and only those. With {@code retries.perTryTimeout} they go to another
 * backend instead, and no client sees an error.
 */
class BlackHoleIT {

    @Test
    void blackHoledBackendLeavesRotationWithinTheBlackHoleWindowAndOnlyInFlightRequestsGet504() throws Exception {
        ScenarioResult result = FailoverRun.quick("black-hole", "black hole: Toxiproxy timeout toxic, nothing passes",
                Fault.blackHole()).run();
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void withAPerTryTimeoutRequestsInFlightToTheBlackHoleAreAnsweredByAnotherBackend() throws Exception {
        ScenarioResult result = FailoverRun.quick("black-hole", "black hole: Toxiproxy timeout toxic, nothing passes",
                Fault.blackHole()).withPerTryTimeout("black-hole-per-try", Duration.ofMillis(300)).run();
        assertThat(result.failures()).isEmpty();
    }
}
