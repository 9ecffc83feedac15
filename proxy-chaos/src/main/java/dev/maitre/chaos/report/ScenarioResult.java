package dev.maitre.chaos.report;

import dev.maitre.chaos.timing.TimedTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One scenario's figures for the report: its settings, each transition measured against its
 * window, each checked count, and its timeline.
 */
public record ScenarioResult(String id, String title, String profile, Map<String, String> settings,
                             List<TimedTransition> transitions, List<Check> checks, Timeline timeline) {

    /** The setting naming what the scenario's HTTP clients spoke ("HTTP/1.1", "HTTP/2"), where it has such clients. */
    public static final String CLIENT_PROTOCOL = "client protocol";

    /** The settings in the summary tables: the health rules, and the client protocol where there is one. */
    public String summarySettings() {
        String rules = settings.getOrDefault("rules", "");
        String protocol = settings.get(CLIENT_PROTOCOL);
        return protocol == null ? rules : rules + "; " + protocol + " clients";
    }

    /** Everything that did not come out as expected, one line each; empty when the scenario passed. */
    public List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (TimedTransition t : transitions) {
            if (!t.withinWindow()) {
                failures.add(t.describe());
            }
        }
        for (Check c : checks) {
            if (!c.passed()) {
                failures.add(c.name() + ": " + c.actual() + " (expected: " + c.expected() + ")");
            }
        }
        return failures;
    }

    public boolean passed() {
        return failures().isEmpty();
    }

    public String verdict() {
        return passed() ? "pass" : "FAIL";
    }
}
