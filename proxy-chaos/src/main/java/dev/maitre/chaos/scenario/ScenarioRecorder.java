package dev.maitre.chaos.scenario;

import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.report.ChaosReport;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.report.Timeline;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.TimedTransition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Collects one scenario's figures as it runs and hands them to the report when it ends. A scenario
 * runs inside {@link #run}, its stage's set-up included, so that one that fails anywhere is in the
 * report as failed, with its error, and the report's count of scenarios is the count that ran.
 */
public final class ScenarioRecorder {

    /** A scenario's steps: it sets up its stage, acts, checks and ends with {@link #finish}. */
    @FunctionalInterface
    public interface Steps {
        void play() throws Exception;
    }

    /** The longest error text the report shows; the whole of it is in the test's output. */
    static final int ERROR_CHARS = 400;

    private final String id;
    private final String title;
    private final String profile;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<TimedTransition> transitions = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private ScenarioResult result;

    public ScenarioRecorder(String id, String title, String profile) {
        this.id = id;
        this.title = title;
        this.profile = profile;
    }

    /**
     * Plays {@code steps} and returns the scenario's result. Whatever they throw before {@link #finish}
     * recorded the result (set-up included: a port in use, maitre not starting, Toxiproxy missing)
     * is added to the report as a failed scenario naming the error, and thrown on.
     */
    public ScenarioResult run(Steps steps) throws Exception {
        try {
            steps.play();
        } catch (Exception | Error e) {
            if (result == null) {
                failed(e);
            }
            throw e;
        }
        if (result == null) {
            failed(new IllegalStateException("the scenario ended without recording its result"));
        }
        return result;
    }

    private void failed(Throwable error) {
        checks.add(new Check("ran to the end", "no error", describe(error), false));
        result = new ScenarioResult(id, title, profile, settings, transitions, checks, Timeline.empty());
        ChaosReport.add(result);
    }

    /** The error's class and the first line of its message, and the same of its root cause if other. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = firstLine(error) + (root == error ? "" : "; caused by " + firstLine(root));
        return text.length() <= ERROR_CHARS ? text : text.substring(0, ERROR_CHARS - 1) + "…";
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().strip();
        int newline = message.indexOf('\n');
        return t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": "
                + (newline < 0 ? message : message.substring(0, newline).strip()));
    }

    public ScenarioRecorder setting(String name, String value) {
        settings.put(name, value);
        return this;
    }

    public ScenarioRecorder transition(TimedTransition transition) {
        transitions.add(transition);
        return this;
    }

    /**
     * Adds {@code transition}; if it never came, also what maitre shows of the backend, so the
     * report says why.
     */
    public ScenarioRecorder transition(TimedTransition transition, Stage stage, String address) throws IOException {
        transitions.add(transition);
        if (!transition.happened()) {
            checks.add(new Check(address + " when " + transition.what() + " was overdue", "a transition",
                    stage.admin().backendView(address), false));
        }
        return this;
    }

    public ScenarioRecorder check(Check check) {
        checks.add(check);
        return this;
    }

    /** Requests that did not end in a complete, intact 200. */
    public static long errors(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok()).count();
    }

    /**
     * Adds the client-error count, expected 0, with one exception it counts apart: a request that
     * was in flight on the backend's connection at the very instant the suite broke it (a crash, a
     * proxy disabled). DESIGN.md §3: "in-flight requests on a dead backend complete or time out".
     * Once an answer has begun, maitre streams it and cannot retry it (docs/architecture.md,
     * Retries), so the client connection is closed (an HTTP/2 client's stream is reset); a dying
     * backend that holds a request without a word (WireMock accepts during its stop and then says
     * nothing) ends it at the response timeout with 504. Only a request whose life overlaps a
     * fault's bracket (±{@value #CUT_SLACK_MILLIS} ms) and that ended closed, reset or with 504
     * counts so, and
     * there can be no more of them than requests in flight at those instants: one per client (an
     * HTTP/1.1 client's connection, an HTTP/2 client's stream).
     */
    public ScenarioRecorder noClientErrors(Stage stage, List<Outcome> outcomes, int clients) {
        List<Outcome> cut = outcomes.stream().filter(o -> cutByFault(stage, o)).toList();
        List<Outcome> others = outcomes.stream().filter(o -> !o.ok() && !cut.contains(o)).toList();
        checks.add(new Check("client errors of " + outcomes.size() + " requests", "0",
                others.size() + (others.isEmpty() ? "" : " (" + errorKinds(others) + "; " + firstErrors(stage, others) + ")"),
                others.isEmpty()));
        long limit = (long) clients * stage.moments().size();
        checks.add(new Check("requests in flight at a fault instant, cut or timed out", "≤ " + limit,
                cut.size() + (cut.isEmpty() ? "" : " (" + firstErrors(stage, cut) + ")"), cut.size() <= limit));
        return this;
    }

    static final long CUT_SLACK_MILLIS = 20;

    private static boolean cutByFault(Stage stage, Outcome o) {
        if (o.error() != Outcome.ErrorKind.CLOSED && o.error() != Outcome.ErrorKind.RESET && o.status() != 504) {
            return false;
        }
        long start = stage.wallMillis(o.startNanos());
        long end = stage.wallMillis(o.endNanos());
        return stage.moments().stream().anyMatch(m -> start <= m.afterMillis() + CUT_SLACK_MILLIS
                && end >= m.beforeMillis() - CUT_SLACK_MILLIS);
    }

    /** The first few failed requests: when they were sent, how long they took, on what kind of connection. */
    public static String firstErrors(Stage stage, List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> !o.ok()).limit(5)
                .map(o -> String.format(Locale.ROOT, "%s at %.3f s after %d ms on a %s connection", o.label(),
                        (stage.wallMillis(o.startNanos()) - stage.startMillis()) / 1000.0, o.latencyMillis(),
                        o.reusedConnection() ? "reused" : "new"))
                .collect(Collectors.joining(", "));
    }

    /** "504×3, reset×1": the non-200 outcomes by label. */
    public static String errorKinds(List<Outcome> outcomes) {
        Map<String, Integer> byKind = new LinkedHashMap<>();
        outcomes.stream().filter(o -> !o.ok()).forEach(o -> byKind.merge(o.label(), 1, Integer::sum));
        StringBuilder s = new StringBuilder();
        byKind.forEach((k, n) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('×').append(n));
        return s.toString();
    }

    /**
     * Counts Netty's leak reports in maitre's output (expected 0), builds the result, adds it to the
     * report and returns it.
     */
    public ScenarioResult finish(Stage stage, List<Outcome> outcomes) throws Exception {
        settings.putIfAbsent("rules", stage.rules().describe());
        long leaks = stage.maitre().leakReports(Math.max(1500, stage.rules().interval().toMillis() + 500));
        checks.add(Check.count("Netty leak reports in maitre's output", 0, leaks));
        result = new ScenarioResult(id, title, profile, settings, transitions, checks, stage.timeline(outcomes));
        ChaosReport.add(result);
        return result;
    }
}
