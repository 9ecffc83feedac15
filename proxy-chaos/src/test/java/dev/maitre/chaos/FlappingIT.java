package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.load.LoadGenerator;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.ScenarioRecorder;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that goes down and up faster than the thresholds: it must never change state.
 *
 * <p>Why the periods hold, with I 1 s, J 10%, F 3: checks start at least I·(1−J) = 0.9 s apart.
 * A refused period of 1.1 s holds at most two check starts. A check in flight when the proxy is
 * disabled may fail too, but then the next starts come at least 0.9 s and 1.8 s after it, and the
 * second of those falls in the up period. So at most two failures in a row, one short of F. An up
 * period of 1.6 s holds at least one check start (they are at most I·(1+J) = 1.1 s apart), whose
 * success resets the count. A sleep that wakes late on a loaded machine stretches a down period
 * by far less than the 0.7 s margin.
 */
class FlappingIT {

    private static final int CYCLES = 6;

    @Test
    void backendFlappingFasterThanTheThresholdsNeverChangesState() throws Exception {
        HealthRules rules = HealthRules.quick();
        long downMillis = rules.interval().toMillis() * 11 / 10;
        long upMillis = rules.interval().toMillis() * 16 / 10;
        ScenarioRecorder recorder = new ScenarioRecorder("flapping", "flapping faster than the thresholds", "default")
                .setting("fault", CYCLES + " cycles of b1's proxy disabled " + downMillis + " ms, enabled " + upMillis + " ms")
                .setting("load", "3 keep-alive clients + 1 new-connection client, one GET each per 40 ms");
        recorder.run(() -> {
            try (Stage stage = Stage.start("flapping", 3, rules, Duration.ofSeconds(2))) {
                LoadGenerator keepAlive = stage.load("/app/ka", null, LoadGenerator.Mode.KEEP_ALIVE, 3,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                LoadGenerator fresh = stage.load("/app/new", null, LoadGenerator.Mode.NEW_CONNECTION, 1,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                Thread.sleep(1500);
                Moment first = null;
                for (int i = 0; i < CYCLES; i++) {
                    Moment down = stage.act("b1 down", () -> stage.link(0).disable());
                    first = first == null ? down : first;
                    Thread.sleep(downMillis);
                    stage.act("up", () -> stage.link(0).enable());
                    Thread.sleep(upMillis);
                }
                long transitions = stage.transitionsSince(first.beforeMillis()).size();
                recorder.check(Check.count("state changes while flapping", 0, transitions));
                List<Outcome> outcomes = new java.util.ArrayList<>(keepAlive.stop());
                outcomes.addAll(fresh.stop());
                recorder.noClientErrors(stage, outcomes, 4);
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
