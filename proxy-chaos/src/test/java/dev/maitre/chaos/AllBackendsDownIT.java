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
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every backend down at once, then back. Until the checks notice, each request tries every backend
 * and gets 502; once all are out of rotation, maitre answers 503 at once (never hangs); when they
 * are back, requests succeed again.
 */
class AllBackendsDownIT {

    /** "At once": no backend is tried; what a 503 costs is maitre's own handling plus a loaded machine's scheduling. */
    private static final long AT_ONCE_MILLIS = 250;

    @Test
    void allBackendsDownGives503AtOnceThenRecovers() throws Exception {
        HealthRules rules = HealthRules.quick();
        ScenarioRecorder recorder = new ScenarioRecorder("all-down", "all backends down, then back", "default")
                .setting("fault", "the proxies of b1, b2 and b3 disabled together, then enabled together")
                .setting("load", "3 keep-alive clients + 1 new-connection client, one GET each per 40 ms");
        recorder.run(() -> {
            try (Stage stage = Stage.start("all-down", 3, rules, Duration.ofSeconds(2))) {
                LoadGenerator keepAlive = stage.load("/app/ka", null, LoadGenerator.Mode.KEEP_ALIVE, 3,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                LoadGenerator fresh = stage.load("/app/new", null, LoadGenerator.Mode.NEW_CONNECTION, 1,
                        Duration.ofMillis(40), Duration.ofSeconds(30));
                Thread.sleep(1500);

                Moment down = stage.act("all down", () -> {
                    for (int i = 0; i < stage.size(); i++) {
                        stage.link(i).disable();
                    }
                });
                Tolerance detectionTolerance = Tolerance.forChecks(rules.unhealthyThreshold());
                long lastDown = 0;
                for (int i = 0; i < stage.size(); i++) {
                    long at = stage.awaitTransition(stage.address(i), "UNHEALTHY", down.beforeMillis(),
                            Duration.ofMillis(rules.refusedWindow().toMillis() + detectionTolerance.lateMillis() + 5000));
                    recorder.transition(TimedTransition.measure("b" + (i + 1) + " detection", rules.refusedWindow(),
                            detectionTolerance, down, at), stage, stage.address(i));
                    lastDown = at < 0 ? Long.MAX_VALUE : Math.max(lastDown, at);
                }
                Thread.sleep(3000);

                Moment up = stage.act("all up", () -> {
                    for (int i = 0; i < stage.size(); i++) {
                        stage.link(i).enable();
                    }
                });
                Tolerance recoveryTolerance = Tolerance.forChecks(rules.healthyThreshold());
                long lastUp = 0;
                for (int i = 0; i < stage.size(); i++) {
                    long at = stage.awaitTransition(stage.address(i), "HEALTHY", up.beforeMillis(),
                            Duration.ofMillis(rules.recoveryWindow(false).toMillis() + recoveryTolerance.lateMillis() + 5000));
                    recorder.transition(TimedTransition.measure("b" + (i + 1) + " recovery", rules.recoveryWindow(false),
                            recoveryTolerance, up, at), stage, stage.address(i));
                    lastUp = at < 0 ? Long.MAX_VALUE : Math.max(lastUp, at);
                }
                Thread.sleep(1500);
                List<Outcome> outcomes = new ArrayList<>(keepAlive.stop());
                outcomes.addAll(fresh.stop());
                outcomes.sort(Comparator.comparingLong(Outcome::startNanos));

                // Phases by send time: before the fault (all 200), fault to last detection (200 or 502),
                // all out of rotation (503 at once), after the last recovery (all 200). Requests sent
                // within 100 ms of a boundary belong to neither side (the pick may straddle it), and a
                // request before the fault counts only if its answer came before it too: one still in
                // flight when the proxies are disabled (a slow answer on a loaded machine) meets the fault.
                long beforeBad = 0;
                long blindBad = 0;
                long outOf503 = 0;
                long outOfBad = 0;
                long slow503 = 0;
                long afterBad = 0;
                for (Outcome o : outcomes) {
                    long sent = stage.wallMillis(o.startNanos());
                    if (sent < down.beforeMillis() - 100) {
                        beforeBad += o.ok() || sent + o.latencyMillis() >= down.beforeMillis() ? 0 : 1;
                    } else if (sent > down.afterMillis() && sent < lastDown - 100) {
                        blindBad += o.ok() || o.status() == 502 ? 0 : 1;
                    } else if (sent > lastDown + 100 && sent < up.beforeMillis() - 100) {
                        outOf503 += o.status() == 503 ? 1 : 0;
                        outOfBad += o.status() == 503 ? 0 : 1;
                        slow503 += o.status() == 503 && o.latencyMillis() > AT_ONCE_MILLIS ? 1 : 0;
                    } else if (sent > lastUp + 100) {
                        afterBad += o.ok() ? 0 : 1;
                    }
                }
                recorder.check(new Check("client errors of " + outcomes.size() + " requests",
                        "502 until detected, then 503", ScenarioRecorder.errors(outcomes) + " ("
                        + ScenarioRecorder.errorKinds(outcomes) + ")", true));
                recorder.check(Check.count("errors before the fault", 0, beforeBad));
                recorder.check(Check.count("answers other than 200/502 before detection", 0, blindBad));
                recorder.check(new Check("503 answers while all were out", "> 0", Long.toString(outOf503), outOf503 > 0));
                recorder.check(Check.count("other answers while all were out", 0, outOfBad));
                recorder.check(Check.count("503 answers slower than " + AT_ONCE_MILLIS + " ms", 0, slow503));
                recorder.check(Check.count("errors after recovery", 0, afterBad));
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
