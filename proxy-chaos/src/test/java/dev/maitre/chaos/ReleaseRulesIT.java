package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.FailoverRun;
import dev.maitre.chaos.scenario.Fault;
import dev.maitre.chaos.timing.HealthRules;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The release run ({@code -Pchaos-release}): the crash and black-hole scenarios under the rules
 * maitre is built on, interval 10 s and 30 s, thresholds 2 and 3 (timeout 2 s, jitter 10%).
 * The eight combinations run at once, each with its own maitre, backends and proxies, so the run
 * takes as long as the slowest (30 s × 3: up to 101 s to detect and 99 s to recover).
 */
@Execution(ExecutionMode.CONCURRENT)
class ReleaseRulesIT {

    static Stream<Arguments> rules() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (String fault : new String[] {"crash", "black-hole"}) {
            for (int seconds : new int[] {10, 30}) {
                for (int threshold : new int[] {2, 3}) {
                    all.add(Arguments.of(fault, seconds, threshold));
                }
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0}, interval {1} s, thresholds {2}")
    @MethodSource("rules")
    void failoverStaysWithinTheDesignWindowsUnderTheRealRules(String fault, int seconds, int threshold)
            throws Exception {
        HealthRules rules = HealthRules.release(Duration.ofSeconds(seconds), threshold);
        Supplier<Fault> faults = fault.equals("crash") ? Fault::crash : Fault::blackHole;
        String id = "release-" + fault + "-" + seconds + "s-x" + threshold;
        ScenarioResult result = FailoverRun.release(id, (fault.equals("crash") ? "backend crash" : "black hole")
                + " under the real rules", faults.get(), rules).run();
        assertThat(result.failures()).isEmpty();
    }
}
