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
import dev.maitre.chaos.timing.TimedTransition;
import dev.maitre.chaos.timing.Tolerance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every backend restarted in turn under load, as a deployment does: stopped (WireMock down behind
 * its proxy), taken out by the checks, started again at the same address, back in rotation, then
 * the next. Clients must see nothing.
 */
class RollingRestartIT {

    @Test
    void rollingRestartOfEveryBackendCostsClientsNothing() throws Exception {
        HealthRules rules = HealthRules.quick();
        ScenarioRecorder recorder = new ScenarioRecorder("rolling-restart", "rolling restart of every backend under load",
                "default")
                .setting("fault", "b1, b2, b3 in turn: WireMock stopped until out of rotation, started until back")
                .setting("load", "3 keep-alive clients + 1 new-connection client, one GET each per 40 ms");
        recorder.run(() -> {
            try (Stage stage = Stage.start("rolling-restart", 3, rules, Duration.ofSeconds(2))) {
                LoadGenerator keepAlive = stage.load("/app/ka", null, LoadGenerator.Mode.KEEP_ALIVE, 3,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                LoadGenerator fresh = stage.load("/app/new", null, LoadGenerator.Mode.NEW_CONNECTION, 1,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                Thread.sleep(1500);
                Tolerance detectionTolerance = Tolerance.forChecks(rules.unhealthyThreshold());
                Tolerance recoveryTolerance = Tolerance.forChecks(rules.healthyThreshold());
                long deadHits = 0;
                for (int i = 0; i < stage.size(); i++) {
                    int b = i;
                    String name = stage.backend(i).name();
                    stage.awaitPassedCheck(i);
                    Moment stopped = stage.act("stop " + name, () -> stage.backend(b).stop());
                    long down = stage.awaitTransition(stage.address(i), "UNHEALTHY", stopped.beforeMillis(),
                            Duration.ofMillis(rules.refusedWindow().toMillis() + detectionTolerance.lateMillis() + 5000));
                    recorder.transition(TimedTransition.measure(name + " detection", rules.refusedWindow(),
                            detectionTolerance, stopped, down), stage, stage.address(i));
                    Thread.sleep(500);
                    long before = stage.attemptsOn(stage.address(i));
                    Thread.sleep(1000);
                    deadHits += stage.attemptsOn(stage.address(i)) - before;
                    Moment started = stage.act("start " + name, () -> stage.backend(b).start());
                    long up = stage.awaitTransition(stage.address(i), "HEALTHY", started.beforeMillis(),
                            Duration.ofMillis(rules.recoveryWindow(false).toMillis() + recoveryTolerance.lateMillis() + 5000));
                    recorder.transition(TimedTransition.measure(name + " recovery", rules.recoveryWindow(false),
                            recoveryTolerance, started, up), stage, stage.address(i));
                    Thread.sleep(500);
                }
                recorder.check(Check.count("attempts on a stopped backend once out of rotation", 0, deadHits));
                List<Outcome> outcomes = new ArrayList<>(keepAlive.stop());
                outcomes.addAll(fresh.stop());
                recorder.noClientErrors(stage, outcomes, 4);
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
