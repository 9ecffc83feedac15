package dev.maitre.chaos.report;

import dev.maitre.chaos.timing.TimedTransition;
import java.util.List;
import java.util.Map;

/** {@code report.md}: one summary table, then each scenario's checks. */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(List<ScenarioResult> results, String toxiproxy) {
        StringBuilder md = new StringBuilder("# maitre chaos report\n\n");
        long passed = results.stream().filter(ScenarioResult::passed).count();
        md.append(passed).append(" of ").append(results.size()).append(" scenarios passed. Toxiproxy: ")
                .append(toxiproxy).append(".\n\n");
        md.append("| scenario | settings | transition | expected window | tolerance | measured | client errors | verdict |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            String settings = r.summarySettings();
            if (r.transitions().isEmpty()) {
                md.append(row(r.id(), settings, "none expected", "-", "-", "-", ChaosReport.clientErrors(r), r.verdict()));
            }
            for (TimedTransition t : r.transitions()) {
                md.append(row(r.id(), settings, t.what(), t.window().describe(), t.tolerance().describe(),
                        t.happened() ? String.format("%.2f s", t.measuredMillis() / 1000.0) : "never",
                        ChaosReport.clientErrors(r), t.withinWindow() && r.passed() ? "pass" : "FAIL"));
            }
        }
        for (ScenarioResult r : results) {
            md.append("\n## ").append(r.id()).append(": ").append(r.title()).append(" — ").append(r.verdict()).append("\n\n");
            for (Map.Entry<String, String> s : r.settings().entrySet()) {
                md.append("- ").append(s.getKey()).append(": ").append(s.getValue()).append('\n');
            }
            for (TimedTransition t : r.transitions()) {
                md.append("- ").append(t.describe()).append(t.withinWindow() ? "" : " — FAIL").append('\n');
            }
            for (Check c : r.checks()) {
                md.append("- ").append(c.name()).append(": ").append(c.actual()).append(" (expected ")
                        .append(c.expected()).append(")").append(c.passed() ? "" : " — FAIL").append('\n');
            }
            md.append("- requests: ").append(r.timeline().requests().size()).append(", duration: ")
                    .append(String.format("%.1f s", r.timeline().durationMillis() / 1000.0)).append('\n');
        }
        return md.toString();
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
