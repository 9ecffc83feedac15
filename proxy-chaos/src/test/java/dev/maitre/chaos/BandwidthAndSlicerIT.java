package dev.maitre.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.chaos.backend.Backend;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Large answers (4 MiB) through a narrow road (Toxiproxy's {@code bandwidth}) and cut into small
 * slices ({@code slicer}): every byte must arrive intact (SHA-256 of each body), and maitre must
 * stream rather than hold answers.
 *
 * <p>The memory bound: maitre holds per exchange at most the write-buffer high-water mark (64 KiB)
 * plus one socket read per direction (docs/architecture.md, Backpressure); three exchanges at once
 * stay well under 1 MiB, where a proxy that buffered whole answers would hold 4 MiB per exchange.
 * {@code maitre_buffered_bytes} is sampled every 50 ms while the answers flow.
 */
class BandwidthAndSlicerIT {

    private static final long BOUND_BYTES = 1024 * 1024;

    @Test
    void largeAnswersArriveIntactThroughBandwidthLimitAndSlicerWithBoundedProxyMemory() throws Exception {
        ScenarioRecorder recorder = new ScenarioRecorder("bandwidth-slicer",
                "bandwidth limit and slicer on 4 MiB answers", "default")
                .setting("fault", "b1 bandwidth 8000 KB/s; b2 slicer 1 KiB slices 50 µs apart; b3 both")
                .setting("load", "2 keep-alive clients + 1 new-connection client, GET /large back to back");
        recorder.run(() -> {
            try (Stage stage = Stage.start("bandwidth-slicer", 3, HealthRules.quick(), Duration.ofSeconds(5))) {
                Moment narrowed = stage.act("toxics on", () -> {
                    stage.link(0).bandwidth(8000);
                    stage.link(1).slicer(1024, 50);
                    stage.link(2).bandwidth(8000);
                    stage.link(2).slicer(1024, 50);
                });
                LoadGenerator keepAlive = stage.load("/large", Backend.LARGE_SHA256, LoadGenerator.Mode.KEEP_ALIVE, 2,
                        Duration.ZERO, Duration.ofSeconds(30));
                LoadGenerator fresh = stage.load("/large", Backend.LARGE_SHA256, LoadGenerator.Mode.NEW_CONNECTION, 1,
                        Duration.ZERO, Duration.ofSeconds(30));
                AtomicLong peak = new AtomicLong();
                long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
                while (System.nanoTime() < end) {
                    peak.accumulateAndGet((long) stage.admin().metric("maitre_buffered_bytes", null, null), Math::max);
                    Thread.sleep(50);
                }
                List<Outcome> outcomes = new ArrayList<>(keepAlive.stop());
                outcomes.addAll(fresh.stop());
                recorder.noClientErrors(stage, outcomes, 0);
                long corrupt = outcomes.stream().filter(o -> !o.digestOk()).count();
                recorder.check(Check.count("bodies whose SHA-256 differs", 0, corrupt));
                for (String b : List.of("b1", "b2", "b3")) {
                    long served = outcomes.stream().filter(o -> o.ok() && b.equals(o.backend())).count();
                    recorder.check(new Check("4 MiB answers from " + b, "> 0", Long.toString(served), served > 0));
                }
                recorder.check(Check.atMost("peak maitre_buffered_bytes", BOUND_BYTES, peak.get(), " B"));
                recorder.check(Check.count("state changes (slow is not down)", 0,
                        stage.transitionsSince(narrowed.beforeMillis()).size()));
                ScenarioResult result = recorder.finish(stage, outcomes);
                assertThat(result.failures()).isEmpty();
            }
        });
    }
}
