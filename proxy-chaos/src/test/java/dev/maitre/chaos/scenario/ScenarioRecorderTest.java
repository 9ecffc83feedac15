package dev.maitre.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.chaos.report.ChaosReport;
import dev.maitre.chaos.timing.HealthRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario that fails anywhere, its stage's set-up included, is in the report as failed, with its error. */
class ScenarioRecorderTest {

    @TempDir
    static Path reportDir;

    @BeforeAll
    static void reportIntoATemporaryDirectory() {
        System.setProperty("chaos.report.dir", reportDir.toString());
    }

    @Test
    void aScenarioThatThrowsBeforeItFinishedIsReportedAsFailedWithItsError() throws Exception {
        ScenarioRecorder recorder = new ScenarioRecorder("setup-throws", "maitre does not start", "default")
                .setting("fault", "none");
        IllegalStateException error = new IllegalStateException(
                "maitre exited with 1 before it logged its listener web\n--- stdout\nlots of log\n");

        assertThatThrownBy(() -> recorder.run(() -> {
            throw error;
        })).isSameAs(error);

        String failure = "ran to the end: IllegalStateException: maitre exited with 1 before it logged its listener web"
                + " (expected: no error)";
        assertThat(report("report.md"))
                .contains("## setup-throws: maitre does not start — FAIL")
                .contains("- ran to the end: IllegalStateException: maitre exited with 1 before it logged its "
                        + "listener web (expected no error) — FAIL")
                .doesNotContain("lots of log");
        assertThat(report("report.html")).contains("setup-throws", "IllegalStateException: maitre exited with 1");
        JsonNode scenario = scenario("setup-throws");
        assertThat(scenario.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(scenario.get("failures").get(0).asText()).isEqualTo(failure);
    }

    @Test
    void theSummaryCountsAScenarioThatFailedInItsSetUp() throws Exception {
        long before = Files.exists(reportDir.resolve("report.json")) ? scenarios().size() : 0;

        assertThatThrownBy(() -> new ScenarioRecorder("counted", "fails at once", "default").run(() -> {
            throw new IOException("Toxiproxy did not answer");
        })).isInstanceOf(IOException.class);

        assertThat(scenarios().size()).isEqualTo(before + 1);
        long failed = 0;
        for (JsonNode s : scenarios()) {
            failed += s.get("verdict").asText().equals("FAIL") ? 1 : 0;
        }
        assertThat(report("report.md")).contains((before + 1 - failed) + " of " + (before + 1) + " scenarios passed");
    }

    @Test
    void aFailoverRunRecordsFromBeforeItsStageIsSetUp() throws Exception {
        FailoverRun noBackends = new FailoverRun("no-backends", "a stage that cannot be set up", "default",
                Fault.refused(), HealthRules.quick(), Duration.ofSeconds(2), 0, Duration.ofMillis(40));

        assertThatThrownBy(noBackends::run).isInstanceOf(IllegalArgumentException.class);

        JsonNode scenario = scenario("no-backends");
        assertThat(scenario.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(scenario.get("failures").toString())
                .contains("ran to the end: IllegalArgumentException: backendCount: 0 (expected: >= 1)");
        assertThat(scenario.get("settings").get("fault").asText()).isEqualTo("refused on b1, then repaired");
    }

    @Test
    void anErrorIsShownByItsFirstLineAndItsRootCause() {
        Exception error = new IllegalStateException("could not start toxiproxy\nits log",
                new IOException("Address already in use"));

        assertThat(ScenarioRecorder.describe(error)).isEqualTo(
                "IllegalStateException: could not start toxiproxy; caused by IOException: Address already in use");
        assertThat(ScenarioRecorder.describe(new IllegalStateException("x".repeat(1000))))
                .hasSize(ScenarioRecorder.ERROR_CHARS);
    }

    private static String report(String name) throws IOException {
        return Files.readString(ChaosReport.directory().resolve(name));
    }

    private static JsonNode scenarios() throws IOException {
        return new ObjectMapper().readTree(report("report.json")).get("scenarios");
    }

    private static JsonNode scenario(String id) throws IOException {
        for (JsonNode s : scenarios()) {
            if (s.get("scenario").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no scenario " + id + " in report.json");
    }
}
