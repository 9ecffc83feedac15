package dev.maitre.chaos.scenario;

import dev.maitre.chaos.load.ClientProtocol;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import dev.maitre.chaos.timing.TimedTransition;
import dev.maitre.chaos.timing.Tolerance;
import dev.maitre.chaos.timing.Window;
import java.time.Duration;
import java.util.List;

/**
 * The common shape of a single-backend fault: under steady load (keep-alive and new-connection
 * clients at once, over HTTP/1.1 or HTTP/2), put the fault on backend b1, measure when maitre takes it out, check that no
 * request reaches it afterwards, repair it, measure when it is back, and check what clients saw.
 */
public final class FailoverRun {

    private final String id;
    private final String title;
    private final String profile;
    private final Fault fault;
    private final HealthRules rules;
    private final Duration responseTimeout;
    private final int backends;
    private final SteadyLoad load;
    /** {@code retries.perTryTimeout}; zero for none. */
    private final Duration perTryTimeout;

    FailoverRun(String id, String title, String profile, Fault fault, HealthRules rules,
                        Duration responseTimeout, int backends, Duration period) {
        this(id, title, profile, fault, rules, responseTimeout, backends, new SteadyLoad(ClientProtocol.HTTP_1_1, period),
                Duration.ZERO);
    }

    private FailoverRun(String id, String title, String profile, Fault fault, HealthRules rules,
                        Duration responseTimeout, int backends, SteadyLoad load, Duration perTryTimeout) {
        this.id = id;
        this.title = title;
        this.profile = profile;
        this.fault = fault;
        this.rules = rules;
        this.responseTimeout = responseTimeout;
        this.backends = backends;
        this.load = load;
        this.perTryTimeout = perTryTimeout;
    }

    /**
     * This run with maitre's {@code retries.perTryTimeout} set: a request whose try meets the fault
     * goes to another backend after that long, so clients should see no error at all.
     */
    public FailoverRun withPerTryTimeout(String newId, Duration perTry) {
        return new FailoverRun(newId, title + ", retries.perTryTimeout " + perTry.toMillis() + " ms", profile, fault,
                rules, responseTimeout, backends, load, perTry);
    }

    /**
     * This run with clients speaking {@code protocol}; an HTTP/2 run has an id of its own
     * ({@link ClientProtocol#scenarioId}). The expectations are the same.
     */
    public FailoverRun withClients(ClientProtocol protocol) {
        return new FailoverRun(protocol.scenarioId(id), protocol == ClientProtocol.HTTP_1_1 ? title
                : title + ", " + protocol.label() + " clients", profile, fault, rules, responseTimeout, backends,
                new SteadyLoad(protocol, load.period()), perTryTimeout);
    }

    /** The default profile's run: three backends, one-second checks, a request every 40 ms per client. */
    public static FailoverRun quick(String id, String title, Fault fault) {
        return new FailoverRun(id, title, "default", fault, HealthRules.quick(), Duration.ofSeconds(2), 3,
                Duration.ofMillis(40));
    }

    /** The release profile's run: the real rules, a lighter stream (the run is long, several at once). */
    public static FailoverRun release(String id, String title, Fault fault, HealthRules rules) {
        return new FailoverRun(id, title, "release", fault, rules, Duration.ofSeconds(5), 3, Duration.ofMillis(200));
    }

    public ScenarioResult run() throws Exception {
        ScenarioRecorder recorder = new ScenarioRecorder(id, title, profile)
                .setting("rules", rules.describe())
                .setting("fault", fault.name() + " on b1, then repaired")
                .setting(ScenarioResult.CLIENT_PROTOCOL, load.protocol().label())
                .setting("load", load.describe())
                .setting("response timeout", responseTimeout.toMillis() + " ms")
                .setting("per-try timeout", perTryTimeout.isZero() ? "none" : perTryTimeout.toMillis() + " ms");
        return recorder.run(() -> {
            try (Stage stage = Stage.start(id, backends, rules, responseTimeout, perTryTimeout)) {
                String target = stage.address(0);
                SteadyLoad.Running clients = load.start(stage);
                Thread.sleep(1500);
                stage.awaitPassedCheck(0);

                Moment injected = stage.act(fault.name() + " on b1", () -> fault.inject(stage, 0));
                Window detection = fault.detectionWindow(rules);
                Tolerance detectionTolerance = Tolerance.forChecks(rules.unhealthyThreshold());
                long down = stage.awaitTransition(target, "UNHEALTHY", injected.beforeMillis(),
                        Duration.ofMillis(detection.toMillis() + detectionTolerance.lateMillis() + 5000));
                recorder.transition(TimedTransition.measure("detection", detection, detectionTolerance, injected, down),
                        stage, target);

                // Requests that were already on their way to b1 at detection end (a black-holed one at the
                // response timeout, a delayed one when its bytes arrive); from then on, maitre's count of
                // attempts on b1 must not move while the fault lasts.
                Thread.sleep(fault.holdsBytes() ? responseTimeout.toMillis() + 500 : 500);
                long attemptsBefore = stage.attemptsOn(target);
                Thread.sleep(Math.max(2000, Math.min(rules.interval().toMillis(), 10_000)));
                long attemptsAfter = stage.attemptsOn(target);
                recorder.check(Check.count("attempts on b1 while out of rotation (after in-flight ones ended)", 0,
                        down < 0 ? -1 : attemptsAfter - attemptsBefore));

                Moment repaired = stage.act("b1 repaired", () -> fault.repair(stage, 0));
                Window recovery = rules.recoveryWindow(fault.holdsBytes());
                Tolerance recoveryTolerance = Tolerance.forChecks(rules.healthyThreshold());
                long up = stage.awaitTransition(target, "HEALTHY", repaired.beforeMillis(),
                        Duration.ofMillis(recovery.toMillis() + recoveryTolerance.lateMillis() + 5000));
                recorder.transition(TimedTransition.measure("recovery", recovery, recoveryTolerance, repaired, up),
                        stage, target);
                Thread.sleep(1500);

                List<Outcome> outcomes = clients.stop();
                checkClients(recorder, stage, outcomes, injected, down);
                long servedByB1AfterRecovery = outcomes.stream()
                        .filter(o -> up > 0 && stage.wallMillis(o.startNanos()) > up + 100 && "b1".equals(o.backend()))
                        .count();
                recorder.check(new Check("requests served by b1 after recovery", "> 0",
                        Long.toString(servedByB1AfterRecovery), servedByB1AfterRecovery > 0));
                recorder.finish(stage, outcomes);
            }
        });
    }

    private void checkClients(ScenarioRecorder recorder, Stage stage, List<Outcome> outcomes, Moment injected,
                              long down) {
        if (fault.clientImpact() == Fault.ClientImpact.NONE || !perTryTimeout.isZero()) {
            // With a per-try timeout, a request whose try the fault swallows is answered by another backend.
            recorder.noClientErrors(stage, outcomes, load.clients());
            return;
        }
        // Black hole: a request in flight to b1 (sent from just before the fault to detection) waits
        // for the response timeout and gets 504; nothing else may fail, and none may hang beyond it.
        long rt = responseTimeout.toMillis();
        long detectedAt = down < 0 ? Long.MAX_VALUE : down;
        long unexpected = 0;
        long timedOut = 0;
        for (Outcome o : outcomes) {
            if (o.ok()) {
                continue;
            }
            long sent = stage.wallMillis(o.startNanos());
            boolean expected = o.status() == 504
                    && o.latencyMillis() >= rt - 100 && o.latencyMillis() <= rt + 2000
                    && sent >= injected.beforeMillis() - 1000 && sent <= detectedAt + 500;
            if (expected) {
                timedOut++;
            } else {
                unexpected++;
            }
        }
        recorder.check(new Check("client errors of " + outcomes.size() + " requests",
                "only 504 after " + rt + " ms, for requests sent between the fault and detection",
                (timedOut + unexpected) + (timedOut + unexpected == 0 ? "" : " (" + ScenarioRecorder.errorKinds(outcomes) + ")"),
                unexpected == 0));
        recorder.check(Check.count("errors other than an in-flight 504", 0, unexpected));
    }
}
