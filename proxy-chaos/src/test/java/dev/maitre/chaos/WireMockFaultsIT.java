package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.maitre.chaos.load.LoadGenerator;
import dev.maitre.chaos.load.Outcome;
import dev.maitre.chaos.report.Check;
import dev.maitre.chaos.report.ScenarioResult;
import dev.maitre.chaos.scenario.ScenarioRecorder;
import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Moment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend whose checks pass but whose application answers break, with WireMock's own faults.
 * A reset or an empty answer comes before any response byte, so maitre sends the GET to another
 * backend and the client sees nothing. A broken chunk comes after the answer began, which maitre
 * cannot retry: the client connection is closed, so the cut answer never passes for a whole one
 * (a status 200 with a short body would be the bug).
 */
class WireMockFaultsIT {

    @Test
    void resetAndEmptyAnswersAreRetriedAndABrokenChunkIsNeverPassedOffAsComplete() throws Exception {
        ScenarioRecorder recorder = new ScenarioRecorder("wiremock-faults",
                "WireMock faults on b1's answers, its checks passing", "default")
                .setting("fault", "b1: /app/reset CONNECTION_RESET_BY_PEER, /app/empty EMPTY_RESPONSE, "
                        + "/app/chunk MALFORMED_RESPONSE_CHUNK")
                .setting("load", "per path: 2 keep-alive clients + 1 new-connection client, one GET each per 60 ms");
        recorder.run(() -> {
            try (Stage stage = Stage.start("wiremock-faults", 3, HealthRules.quick(), Duration.ofSeconds(2))) {
                Moment broken = stage.act("b1 answers break", () -> {
                    stage.backend(0).fail("/app/reset", Fault.CONNECTION_RESET_BY_PEER);
                    stage.backend(0).fail("/app/empty", Fault.EMPTY_RESPONSE);
                    stage.backend(0).fail("/app/chunk", Fault.MALFORMED_RESPONSE_CHUNK);
                });
                List<LoadGenerator> retried = new ArrayList<>();
                for (String path : List.of("/app/reset", "/app/empty")) {
                    retried.add(stage.load(path, null, LoadGenerator.Mode.KEEP_ALIVE, 2, Duration.ofMillis(60), Duration.ofSeconds(10)));
                    retried.add(stage.load(path, null, LoadGenerator.Mode.NEW_CONNECTION, 1, Duration.ofMillis(60), Duration.ofSeconds(10)));
                }
                LoadGenerator chunk = stage.load("/app/chunk", null, LoadGenerator.Mode.KEEP_ALIVE, 2, Duration.ofMillis(60),
                        Duration.ofSeconds(10));
                long resetsBefore = Math.round(stage.admin().metric("maitre_backend_requests_total", "backend", stage.address(0)));
                Thread.sleep(8000);
                List<Outcome> retriedOutcomes = new ArrayList<>();
                for (LoadGenerator load : retried) {
                    retriedOutcomes.addAll(load.stop());
                }
                List<Outcome> chunkOutcomes = chunk.stop();
                long attemptsOnB1 = Math.round(stage.admin().metric("maitre_backend_requests_total", "backend", stage.address(0)))
                        - resetsBefore;

                recorder.noClientErrors(stage, retriedOutcomes, 0);
                recorder.check(new Check("attempts on b1 (the faults were really hit)", "> 0", Long.toString(attemptsOnB1),
                        attemptsOnB1 > 0));
                long cutChunks = chunkOutcomes.stream().filter(o -> !o.ok()).count();
                long cutAsClosed = chunkOutcomes.stream()
                        .filter(o -> o.error() == Outcome.ErrorKind.CLOSED || o.error() == Outcome.ErrorKind.RESET).count();
                long wholeFromB1 = chunkOutcomes.stream().filter(o -> o.ok() && "b1".equals(o.backend())).count();
                recorder.check(new Check("broken-chunk answers cut off (connection closed)", "> 0, all as closed",
                        cutChunks + ", " + cutAsClosed + " closed", cutChunks > 0 && cutAsClosed == cutChunks));
                recorder.check(Check.count("broken-chunk answers from b1 passed off as complete", 0, wholeFromB1));
                recorder.check(Check.count("state changes (checks pass)", 0, stage.transitionsSince(broken.beforeMillis()).size()));
                List<Outcome> all = new ArrayList<>(retriedOutcomes);
                all.addAll(chunkOutcomes);
                all.sort(Comparator.comparingLong(Outcome::startNanos));
                ScenarioResult result = recorder.finish(stage, all);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
