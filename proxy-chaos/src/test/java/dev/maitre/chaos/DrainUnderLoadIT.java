package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.backend.Backend;
import dev.maitre.chaos.load.LoadGenerator;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.maitre.MaitreConfig;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.ScenarioRecorder;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import dev.maitre.chaos.timing.TimedTransition;
import dev.maitre.chaos.timing.Tolerance;
import dev.maitre.chaos.timing.Window;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An operator drains a backend while it serves slow requests (WireMock's fixed delay of
 * {@value Backend#SLOW_MILLIS} ms, so some are always in flight): those finish, no new one reaches
 * it, and after {@code enable} it serves again.
 *
 * <p>"No new one reaches it" is read from the backend itself (WireMock's request journal): a
 * request picked just before the drain answer may still be on its way through Toxiproxy for a
 * few milliseconds, so arrivals more than {@value #IN_TRANSIT_MILLIS} ms after the answer count.
 */
class DrainUnderLoadIT {

    private static final long IN_TRANSIT_MILLIS = 200;

    @Test
    void drainedBackendFinishesItsRequestsAndGetsNoNewOnes() throws Exception {
        HealthRules rules = HealthRules.quick();
        ScenarioRecorder recorder = new ScenarioRecorder("drain", "drain under load, then enable", "default")
                .setting("fault", "POST .../drain on b1 with requests in flight, enable 3 s later")
                .setting("load", "6 keep-alive clients, GET /slow (" + Backend.SLOW_MILLIS + " ms) every 100 ms");
        recorder.run(() -> {
            try (Stage stage = Stage.start("drain", 3, rules, Duration.ofSeconds(2))) {
                String b1 = stage.address(0);
                LoadGenerator load = stage.load("/slow", null, LoadGenerator.Mode.KEEP_ALIVE, 6, Duration.ofMillis(100),
                        Duration.ofSeconds(30));
                Thread.sleep(2000);
                long inFlight = Math.round(stage.admin().metric("maitre_backend_active_requests", "backend", b1));

                Moment drained = stage.act("drain b1", () -> stage.admin().drain(MaitreConfig.CLUSTER, b1));
                long draining = stage.awaitTransition(b1, "DRAINING", drained.beforeMillis(), Duration.ofSeconds(5));
                // Immediate by contract: the event is recorded before the answer is sent.
                Window immediate = new Window(0, 0);
                Tolerance answerTime = new Tolerance(50, 250);
                recorder.transition(TimedTransition.measure("drain in effect", immediate, answerTime, drained, draining));
                long idleAt = awaitNoActiveRequests(stage, b1, Duration.ofMillis(Backend.SLOW_MILLIS + 2000));
                recorder.check(new Check("b1's requests in flight at drain, then 0 within " + (Backend.SLOW_MILLIS + 2000) + " ms",
                        "→ 0", inFlight + " → " + (idleAt < 0 ? "still busy" : "0"), idleAt >= 0));
                Thread.sleep(3000);

                Moment enabled = stage.act("enable b1", () -> stage.admin().enable(MaitreConfig.CLUSTER, b1));
                long healthy = stage.awaitTransition(b1, "HEALTHY", enabled.beforeMillis(), Duration.ofSeconds(5));
                recorder.transition(TimedTransition.measure("enable in effect", immediate, answerTime, enabled, healthy));
                Thread.sleep(2000);
                List<Outcome> outcomes = load.stop();

                List<Long> arrivals = stage.backend(0).applicationRequestTimes();
                long whileDrained = arrivals.stream()
                        .filter(t -> t > drained.afterMillis() + IN_TRANSIT_MILLIS && t < enabled.beforeMillis()).count();
                long afterEnable = arrivals.stream().filter(t -> t > enabled.afterMillis()).count();
                recorder.check(Check.count("requests reaching b1 while drained", 0, whileDrained));
                recorder.check(new Check("requests reaching b1 after enable", "> 0", Long.toString(afterEnable), afterEnable > 0));
                recorder.noClientErrors(stage, outcomes, 0);
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }

    private static long awaitNoActiveRequests(Stage stage, String backend, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stage.admin().metric("maitre_backend_active_requests", "backend", backend) == 0) {
                return System.currentTimeMillis();
            }
            Thread.sleep(20);
        }
        return -1;
    }
}
