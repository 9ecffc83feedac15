package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.backend.WebSocketBackend;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.load.Tunnel;
import dev.maitre.chaos.load.WebSocketClients;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * WebSocket clients keep their WebSockets through a backend crash: 20 clients, each sending a
 * message every 200 ms and reconnecting at once whenever its connection ends, spread by round robin
 * over three WebSocket echo backends behind Toxiproxy. Backend b1's process crashes: its port stops
 * listening and every connection it had is reset, with no close frame
 * ({@link WebSocketBackend#crash()}). That is what a killed process does, and it makes the backend
 * itself end the tunnels; Toxiproxy stays up in front of it, as the network path stays up in front
 * of a dead process, accepting connections and closing them when it cannot reach b1 (as in the
 * {@code crash} scenario). Disabling the Toxiproxy proxy would model the path going away instead,
 * with the process still alive, and {@code reset_peer} only resets a connection when bytes come, so
 * an idle tunnel would live on. Then b1 starts again at its address.
 *
 * <p>What must hold, and why each bound is what it is:
 * <ul>
 *   <li>Each tunnel through b1 ends within {@value #END_BOUND_MILLIS} ms of the crash. No timer is on
 *       that path: the reset reaches Toxiproxy, which closes its connection to maitre, whose tunnel
 *       passes the end to the client; each step is a wake-up of an idle thread on loopback (a few
 *       milliseconds in all). The bound leaves room for a collector pause in maitre's JVM and for
 *       threads waiting their turn on a two-core machine that runs two scenarios and other builds;
 *       a tunnel kept alive by mistake would only end at {@code timeouts.tunnelIdle} (1 h).</li>
 *   <li>Each of those clients has a new WebSocket, on b2 or b3, within {@value #RECONNECT_BOUND_MILLIS}
 *       ms of the crash. Until the checks notice, round robin still picks b1 for some of these
 *       handshakes: Toxiproxy accepts and closes, and maitre sends the upgrade request (a GET
 *       without a body) to another backend, as DESIGN §3 asks of every request between a crash and
 *       its detection. Again no timer is involved, so the bound is the end's plus as much again for
 *       the new handshake; it stays at the response timeout (2 s), which a try hanging on b1
 *       instead of failing at once would have to wait out.</li>
 *   <li>No handshake fails, before or after detection: with three backends and
 *       {@code retries.attempts: 2}, a try that meets the dead b1 always has a live backend left,
 *       and the crash strikes when no handshake is in flight (the clients are all settled). Once b1
 *       is out of rotation maitre makes no attempt on it at all ({@code maitre_backend_requests_total}
 *       does not move while new WebSockets open), so no retry is even needed.</li>
 *   <li>Detection within the refused window and recovery within the recovery window, with the
 *       suite's tolerances (as the {@code crash} scenario: a check through Toxiproxy fails at once).</li>
 *   <li>No WebSocket on b2 or b3 ever ends, none loses or reorders an echo, and none hears another
 *       backend's roll call.</li>
 *   <li>After b1 is back, new WebSockets reach it again: round robin turns over every backend in
 *       three picks, so of {@value #PROBES} new WebSockets opened one after another at least one must.</li>
 * </ul>
 */
class WebSocketReconnectIT {

    private static final int CLIENTS = 20;
    private static final Duration PERIOD = Duration.ofMillis(200);
    /** How often each backend names itself to its WebSockets. */
    private static final long ROLL_CALL_MILLIS = 100;
    static final long END_BOUND_MILLIS = 1000;
    static final long RECONNECT_BOUND_MILLIS = 2000;
    static final int PROBES = 9;
    private static final Duration SETTLE = Duration.ofSeconds(15);

    @Test
    void clientsOfACrashedBackendReconnectToHealthyOnesAndNoOtherWebSocketNotices() throws Exception {
        HealthRules rules = HealthRules.quick();
        ScenarioRecorder recorder = new ScenarioRecorder("websocket-reconnect",
                "WebSocket clients reconnect through a backend crash", "default")
                .setting("fault", "b1's WebSocket echo server crashes (port closed, every connection reset), "
                        + "then starts again at its port")
                .setting("load", CLIENTS + " WebSocket clients, one message each per " + PERIOD.toMillis()
                        + " ms, reconnecting at once when their connection ends; " + PROBES
                        + " new WebSockets while b1 is out and after it is back");
        recorder.run(() -> {
            List<WebSocketBackend> backends = List.of(new WebSocketBackend("b1"), new WebSocketBackend("b2"),
                    new WebSocketBackend("b3"));
            WebSocketBackend b1 = backends.get(0);
            ScheduledExecutorService rollCall = Executors.newSingleThreadScheduledExecutor();
            try (Stage stage = Stage.start("websocket-reconnect", backends, rules, Duration.ofSeconds(2));
                 WebSocketClients clients = WebSocketClients.start(stage.listenPort(), CLIENTS, PERIOD)) {
                String target = stage.address(0);
                rollCall.scheduleAtFixedRate(() -> rollCall(backends), 0, ROLL_CALL_MILLIS, TimeUnit.MILLISECONDS);
                List<Tunnel> settled = awaitSettled(clients);
                stage.awaitPassedCheck(0);

                List<Tunnel> onB1 = settled.stream().filter(t -> "b1".equals(t.backend())).toList();
                recorder.check(new Check("WebSockets on b1 at the crash, as clients and b1 count them", "> 0, equal",
                        onB1.size() + " and " + b1.openWebSockets(), !onB1.isEmpty() && onB1.size() == b1.openWebSockets()));
                Moment crashed = stage.act("b1 crashes", b1::crash);

                awaitEnded(onB1, Duration.ofMillis(END_BOUND_MILLIS + 5000));
                long lateEnds = onB1.stream().filter(t -> t.end() == Tunnel.End.OPEN
                        || stage.wallMillis(t.endedNanos()) - crashed.beforeMillis() > END_BOUND_MILLIS).count();
                recorder.check(new Check("WebSockets through b1 ended within " + END_BOUND_MILLIS + " ms of the crash",
                        onB1.size() + " of " + onB1.size(), (onB1.size() - lateEnds) + " of " + onB1.size()
                        + " (slowest " + slowest(stage, onB1, crashed) + " ms)", lateEnds == 0));

                Tolerance detectionTolerance = Tolerance.forChecks(rules.unhealthyThreshold());
                long down = stage.awaitTransition(target, "UNHEALTHY", crashed.beforeMillis(),
                        Duration.ofMillis(rules.refusedWindow().toMillis() + detectionTolerance.lateMillis() + 5000));
                recorder.transition(TimedTransition.measure("detection", rules.refusedWindow(), detectionTolerance, crashed,
                        down), stage, target);
                checkReconnects(recorder, stage, clients, settled, onB1, crashed);
                // How many reconnects round robin sent to b1 before detection: a figure, not a check (it
                // depends on the rotation); what is checked is that clients saw none of them.
                recorder.check(new Check("handshake tries on b1 that met the crash before detection",
                        "any, each retried on b2 or b3", Long.toString(failedTriesOn(stage, target)), true));

                // Out of rotation: new WebSockets go to b2 and b3 only, and maitre tries b1 for none of them.
                Thread.sleep(500);
                long attemptsBefore = stage.attemptsOn(target);
                List<Tunnel> whileOut = probes(clients);
                long attemptsAfter = stage.attemptsOn(target);
                recorder.check(Check.count("attempts on b1 while out of rotation", 0,
                        down < 0 ? -1 : attemptsAfter - attemptsBefore));
                recorder.check(new Check("new WebSockets while b1 is out, echoing on b2 or b3", PROBES + " of " + PROBES,
                        describe(whileOut), served(whileOut, "b2", "b3") == PROBES));

                Moment restarted = stage.act("b1 starts again", b1::start);
                Tolerance recoveryTolerance = Tolerance.forChecks(rules.healthyThreshold());
                long up = stage.awaitTransition(target, "HEALTHY", restarted.beforeMillis(),
                        Duration.ofMillis(rules.recoveryWindow(false).toMillis() + recoveryTolerance.lateMillis() + 5000));
                recorder.transition(TimedTransition.measure("recovery", rules.recoveryWindow(false), recoveryTolerance,
                        restarted, up), stage, target);
                List<Tunnel> afterBack = probes(clients);
                long onB1Again = served(afterBack, "b1");
                recorder.check(new Check("new WebSockets after b1 is back, echoing on b1 (as b1 counts them too)",
                        "≥ 1 of " + PROBES + ", all echoing", describe(afterBack) + "; " + b1.handshakes()
                        + " handshakes at b1", up > 0 && onB1Again >= 1 && b1.handshakes() >= onB1Again
                        && served(afterBack, "b1", "b2", "b3") == PROBES));

                List<Tunnel> tunnels = clients.stop();
                checkSurvivors(recorder, tunnels, onB1);
                List<WebSocketClients.FailedHandshake> failed = clients.failedHandshakes();
                recorder.check(new Check("client errors: failed handshakes (clients and new WebSockets)", "0",
                        failed.size() + (failed.isEmpty() ? "" : ": " + failed.stream().limit(5).toList()),
                        failed.isEmpty()));
                rollCall.shutdownNow();
                ScenarioResult result = recorder.finish(stage, outcomes(tunnels, clients));
                assertThat(result.failures()).isEmpty();
            } finally {
                rollCall.shutdownNow();
            }
        });
    }

    private static void rollCall(List<WebSocketBackend> backends) {
        for (WebSocketBackend backend : backends) {
            try {
                backend.rollCall();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a backend crashing under the roll call: it names itself again once it is back
            }
        }
    }

    /** Waits until every client has a WebSocket whose backend has named itself; returns them. */
    private static List<Tunnel> awaitSettled(WebSocketClients clients) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            List<Tunnel> open = clients.tunnels().stream().filter(t -> t.end() == Tunnel.End.OPEN).toList();
            if (open.size() == CLIENTS && open.stream().allMatch(t -> t.backend() != null && t.echoed() > 0)) {
                return open;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the " + CLIENTS + " WebSocket clients did not settle within " + SETTLE + ": "
                + clients.tunnels() + ", failed handshakes " + clients.failedHandshakes());
    }

    private static void awaitEnded(List<Tunnel> tunnels, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tunnels.stream().anyMatch(t -> t.end() == Tunnel.End.OPEN) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static long slowest(Stage stage, List<Tunnel> tunnels, Moment from) {
        return tunnels.stream().filter(t -> t.end() != Tunnel.End.OPEN)
                .mapToLong(t -> stage.wallMillis(t.endedNanos()) - from.beforeMillis()).max().orElse(-1);
    }

    /**
     * Each client cut by the crash opened exactly one new WebSocket, within the bound, on b2 or b3;
     * no other client opened any.
     */
    private static void checkReconnects(ScenarioRecorder recorder, Stage stage, WebSocketClients clients,
                                        List<Tunnel> settled, List<Tunnel> cut, Moment crashed)
            throws InterruptedException {
        Set<Integer> cutClients = cut.stream().map(Tunnel::client).collect(Collectors.toSet());
        // their backends name themselves within a roll call period; wait for that, generously
        Thread.sleep(ROLL_CALL_MILLIS * 3);
        List<Tunnel> reconnects = clients.tunnels().stream()
                .filter(t -> t.client() < CLIENTS && !settled.contains(t)).toList();
        long inTime = reconnects.stream().filter(t -> cutClients.contains(t.client()) && isOn(t, "b2", "b3")
                && stage.wallMillis(t.openedNanos()) - crashed.beforeMillis() <= RECONNECT_BOUND_MILLIS).count();
        long slowest = reconnects.stream().mapToLong(t -> stage.wallMillis(t.openedNanos()) - crashed.beforeMillis())
                .max().orElse(-1);
        recorder.check(new Check("clients of b1 back on b2 or b3 within " + RECONNECT_BOUND_MILLIS + " ms of the crash",
                cut.size() + " of " + cut.size() + ", one WebSocket each",
                inTime + " of " + cut.size() + ", " + reconnects.size() + " new WebSockets (slowest " + slowest + " ms): "
                        + describe(reconnects),
                inTime == cut.size() && reconnects.size() == cut.size()));
    }

    /** {@value #PROBES} new WebSockets, one after another. */
    private static List<Tunnel> probes(WebSocketClients clients) throws InterruptedException {
        List<Tunnel> probes = new ArrayList<>();
        for (int i = 0; i < PROBES; i++) {
            Tunnel probe = clients.probe(Duration.ofSeconds(5));
            if (probe != null) {
                probes.add(probe);
            }
        }
        return probes;
    }

    /** Every WebSocket but those the crash cut: never cut, every echo back in order, one backend each. */
    private static void checkSurvivors(ScenarioRecorder recorder, List<Tunnel> tunnels, List<Tunnel> cut) {
        List<Tunnel> survivors = tunnels.stream().filter(t -> !cut.contains(t)).toList();
        List<Tunnel> ended = survivors.stream().filter(t -> t.end() != Tunnel.End.CLOSED_BY_CLIENT).toList();
        recorder.check(new Check("WebSockets not through b1 at the crash that ended before the clients closed them",
                "0 of " + survivors.size(), ended.size() + (ended.isEmpty() ? "" : ": " + ended), ended.isEmpty()));
        long lost = survivors.stream().mapToLong(t -> t.sent() - t.echoed()).sum();
        long sent = survivors.stream().mapToLong(Tunnel::sent).sum();
        recorder.check(Check.count("messages without their echo on those (of " + sent + ")", 0, lost));
        recorder.check(Check.count("echoes out of order or unknown, on any WebSocket", 0,
                tunnels.stream().mapToLong(Tunnel::misordered).sum()));
        recorder.check(Check.count("WebSockets that heard two backends, or none", 0,
                tunnels.stream().filter(t -> t.backend() == null || t.strangers() > 0).count()));
    }

    /** New WebSockets that reached one of {@code backends} and got their message back. */
    private static long served(List<Tunnel> probes, String... backends) {
        return probes.stream().filter(t -> isOn(t, backends) && t.echoed() == 1).count();
    }

    private static boolean isOn(Tunnel tunnel, String... backends) {
        return List.of(backends).contains(tunnel.backend());
    }

    /** Handshake tries on {@code target} that met the crash (a close or a refusal) and went elsewhere. */
    private static long failedTriesOn(Stage stage, String target) throws java.io.IOException {
        double resets = stage.admin().metric("maitre_backend_requests_total", Map.of("backend", target, "outcome", "reset"));
        double refused = stage.admin().metric("maitre_backend_requests_total",
                Map.of("backend", target, "outcome", "connect_failure"));
        return Math.round(resets + refused);
    }

    /** "b2×5, b3×4": where tunnels went. */
    private static String describe(List<Tunnel> tunnels) {
        return tunnels.stream().collect(Collectors.groupingBy(t -> String.valueOf(t.backend()), java.util.TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** For the timeline: each handshake as a request (101, or what came instead), placed where it was sent. */
    private static List<Outcome> outcomes(List<Tunnel> tunnels, WebSocketClients clients) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Tunnel t : tunnels) {
            outcomes.add(new Outcome(t.handshakeNanos(), t.openedNanos(), 101, Outcome.ErrorKind.NONE, t.backend(), true,
                    false));
        }
        for (WebSocketClients.FailedHandshake f : clients.failedHandshakes()) {
            outcomes.add(new Outcome(f.startNanos(), f.endNanos(), f.status(),
                    f.status() == 0 ? Outcome.ErrorKind.OTHER : Outcome.ErrorKind.NONE, null, true, false));
        }
        outcomes.sort(Comparator.comparingLong(Outcome::startNanos));
        return outcomes;
    }
}
