package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.load.ClientProtocol;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.ScenarioRecorder;
import dev.maitre.chaos.scenario.SteadyLoad;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import dev.maitre.chaos.timing.TimedTransition;
import dev.maitre.chaos.timing.Tolerance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every backend restarted in turn under load, as a deployment does: stopped (WireMock down behind
 * its proxy), taken out by the checks, started again at the same address, back in rotation, then
 * the next. Clients must see nothing, whether they speak HTTP/1.1 ({@code rolling-restart}) or
 * HTTP/2 ({@code rolling-restart-h2}).
 */
class RollingRestartIT {

    @ParameterizedTest
    @EnumSource(ClientProtocol.class)
    void rollingRestartOfEveryBackendCostsClientsNothing(ClientProtocol protocol) throws Exception {
        HealthRules rules = HealthRules.quick();
        SteadyLoad load = new SteadyLoad(protocol, Duration.ofMillis(40));
        String id = protocol.scenarioId("rolling-restart");
        ScenarioRecorder recorder = new ScenarioRecorder(id, "rolling restart of every backend under load"
                + (protocol == ClientProtocol.HTTP_1_1 ? "" : ", " + protocol.label() + " clients"), "default")
                .setting("fault", "b1, b2, b3 in turn: WireMock stopped until out of rotation, started until back")
                .setting(ScenarioResult.CLIENT_PROTOCOL, protocol.label())
                .setting("load", load.describe());
        recorder.run(() -> {
            try (Stage stage = Stage.start(id, 3, rules, Duration.ofSeconds(2))) {
                SteadyLoad.Running clients = load.start(stage);
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
                List<Outcome> outcomes = clients.stop();
                recorder.noClientErrors(stage, outcomes, load.clients());
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
