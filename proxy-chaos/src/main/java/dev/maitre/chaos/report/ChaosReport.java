package dev.maitre.chaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.maitre.chaos.timing.TimedTransition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The run's report in {@code target/chaos-report/}: {@code report.md}, {@code report.json} and a
 * self-contained {@code report.html}. Scenarios add their results as they finish (several at a
 * time when they run in parallel); the files are rewritten after each, so they always hold every
 * scenario of this run that has finished, and only those.
 */
public final class ChaosReport {

    private static final List<ScenarioResult> RESULTS = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static String toxiproxy = "";

    private ChaosReport() {
    }

    /** Where the files go: {@code chaos.report.dir}, set by the build. */
    public static Path directory() {
        return Path.of(System.getProperty("chaos.report.dir", "target/chaos-report"));
    }

    /** Records which Toxiproxy the run used. */
    public static synchronized void toxiproxy(String origin) {
        toxiproxy = origin;
    }

    /** Adds a finished scenario and rewrites the report. */
    public static synchronized void add(ScenarioResult result) {
        RESULTS.add(result);
        RESULTS.sort(Comparator.comparing(ScenarioResult::id));
        try {
            Path dir = directory();
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("report.md"), MarkdownReport.render(RESULTS, toxiproxy));
            Files.writeString(dir.resolve("report.json"), json(RESULTS));
            Files.writeString(dir.resolve("report.html"), HtmlReport.render(RESULTS, toxiproxy));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps maitre's output of a scenario beside the report, in {@code logs/}. */
    public static void keepLog(String scenario, String output) {
        try {
            Path logs = directory().resolve("logs");
            Files.createDirectories(logs);
            Files.writeString(logs.resolve(scenario + ".log"), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(List<ScenarioResult> results) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("generated", Instant.now().toString());
        root.put("toxiproxy", toxiproxy);
        ArrayNode scenarios = root.putArray("scenarios");
        for (ScenarioResult r : results) {
            ObjectNode s = scenarios.addObject();
            s.put("scenario", r.id());
            s.put("title", r.title());
            s.put("profile", r.profile());
            if (r.settings().containsKey(ScenarioResult.CLIENT_PROTOCOL)) {
                s.put("clientProtocol", r.settings().get(ScenarioResult.CLIENT_PROTOCOL));
            }
            s.set("settings", JSON.valueToTree(r.settings()));
            ArrayNode transitions = s.putArray("transitions");
            for (TimedTransition t : r.transitions()) {
                ObjectNode o = transitions.addObject();
                o.put("what", t.what());
                o.put("expectedFromMillis", t.window().fromMillis());
                o.put("expectedToMillis", t.window().toMillis());
                o.put("toleranceEarlyMillis", t.tolerance().earlyMillis());
                o.put("toleranceLateMillis", t.tolerance().lateMillis());
                o.put("measuredMillis", t.measuredMillis());
                o.put("measuredShortestMillis", t.shortestMillis());
                o.put("measuredLongestMillis", t.longestMillis());
                o.put("verdict", t.withinWindow() ? "pass" : "FAIL");
            }
            s.set("checks", JSON.valueToTree(r.checks()));
            s.put("clientErrors", clientErrors(r));
            s.set("marks", JSON.valueToTree(r.timeline().marks()));
            s.set("failedRequests", JSON.valueToTree(r.timeline().requests().stream()
                    .filter(q -> !q.outcome().equals("200") && !q.outcome().equals("101")).limit(200).toList()));
            s.put("requests", r.timeline().requests().size());
            s.put("durationMillis", r.timeline().durationMillis());
            s.put("verdict", r.verdict());
            s.set("failures", JSON.valueToTree(r.failures()));
        }
        return JSON.writeValueAsString(root);
    }

    /** The "client errors" check's figure, or "-" if the scenario has none. */
    static String clientErrors(ScenarioResult r) {
        return r.checks().stream().filter(c -> c.name().startsWith("client errors")).map(Check::actual)
                .findFirst().orElse("-");
    }
}
