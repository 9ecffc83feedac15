package dev.maitre.health.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void tasksRunInDueOrderOnlyWhenTheClockReachesThem() {
        scheduler.schedule(() -> ran.add("b@2s"), Duration.ofSeconds(2).toNanos());
        scheduler.schedule(() -> ran.add("a@1s"), Duration.ofSeconds(1).toNanos());
        scheduler.schedule(() -> ran.add("c@2s"), Duration.ofSeconds(2).toNanos());

        scheduler.advance(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("a@1s");
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("a@1s", "b@2s", "c@2s");
        assertThat(scheduler.nanoTime()).isEqualTo(Duration.ofSeconds(6).toNanos());
    }

    @Test
    void aTaskSeesTheClockAtItsDueTimeAndItsFollowUpsRunInTheSameAdvance() {
        List<Long> times = new ArrayList<>();
        scheduler.schedule(() -> {
            times.add(scheduler.nanoTime());
            scheduler.schedule(() -> times.add(scheduler.nanoTime()), 500);
        }, 1_000);

        scheduler.advance(Duration.ofSeconds(1));

        assertThat(times).containsExactly(1_000L, 1_500L);
    }

    @Test
    void aCancelledTaskNeverRuns() {
        Cancellable task = scheduler.schedule(() -> ran.add("cancelled"), 10);
        task.cancel();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(ran).isEmpty();
        assertThat(scheduler.nextDueNanos()).isEmpty();
    }

    @Test
    void wallClockFollowsVirtualTime() {
        scheduler.advance(Duration.ofMillis(1500));
        assertThat(scheduler.currentTimeMillis()).isEqualTo(VirtualScheduler.EPOCH_MILLIS + 1500);
    }
}
