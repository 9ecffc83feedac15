package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many connection deadlines on one event loop, sharing its wake-ups: each expires at its own time,
 * once, with one task pending on the loop for all of them. Virtual time, as in {@link ConnectionDeadlineTest}.
 */
class DeadlineWakeupsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long NO_TASK = -1;

    private final EmbeddedChannel loop = new EmbeddedChannel();
    /** Which deadline expired, and when (virtual nanoseconds since the start), in order. */
    private final List<long[]> expiries = new ArrayList<>();

    DeadlineWakeupsTest() {
        loop.freezeTime();
    }

    @AfterEach
    void closeLoop() {
        loop.finishAndReleaseAll();
    }

    private ConnectionDeadline deadline(int id) {
        long start = loop.eventLoop().ticker().nanoTime();
        return new ConnectionDeadline(loop.eventLoop(),
                kind -> expiries.add(new long[] {id, loop.eventLoop().ticker().nanoTime() - start}));
    }

    private long advance(long nanos) {
        loop.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        return loop.runScheduledPendingTasks();
    }

    @Test
    void deadlinesOfOneLoopExpireEachAtItsOwnTimeWithOneTaskPending() {
        deadline(1).set(5 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline(2).set(2 * SECOND, ConnectionDeadline.Kind.HEAD);
        deadline(3).set(8 * SECOND, ConnectionDeadline.Kind.IDLE);
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(2 * SECOND);

        assertThat(advance(2 * SECOND)).isEqualTo(3 * SECOND);
        assertThat(advance(3 * SECOND)).isEqualTo(3 * SECOND);
        assertThat(advance(3 * SECOND)).isEqualTo(NO_TASK);
        assertThat(expiries).extracting(e -> e[0]).containsExactly(2L, 1L, 3L);
        assertThat(expiries).extracting(e -> e[1]).containsExactly(2 * SECOND, 5 * SECOND, 8 * SECOND);
    }

    @Test
    void stoppingTheEarliestLeavesTheOthersToExpire() {
        ConnectionDeadline early = deadline(1);
        early.set(2 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline(2).set(5 * SECOND, ConnectionDeadline.Kind.IDLE);
        early.stop();

        advance(2 * SECOND);
        assertThat(expiries).isEmpty();
        assertThat(advance(3 * SECOND)).isEqualTo(NO_TASK);
        assertThat(expiries).extracting(e -> e[0]).containsExactly(2L);
    }

    @Test
    void aThousandDeadlinesSetMovedAndStoppedEachExpireOnceAtTheirTime() {
        Random random = new Random(42);
        List<ConnectionDeadline> deadlines = new ArrayList<>();
        long[] due = new long[1000];
        for (int i = 0; i < due.length; i++) {
            ConnectionDeadline deadline = deadline(i);
            deadlines.add(deadline);
            due[i] = (1 + random.nextInt(100)) * SECOND;
            deadline.set(due[i], ConnectionDeadline.Kind.IDLE);
        }
        for (int i = 0; i < due.length; i += 3) {
            // moved earlier, later, or stopped
            long moved = (1 + random.nextInt(100)) * SECOND;
            if (i % 2 == 0) {
                deadlines.get(i).set(moved, ConnectionDeadline.Kind.IDLE);
                due[i] = moved;
            } else {
                deadlines.get(i).stop();
                due[i] = -1;
            }
        }
        for (int second = 0; second <= 100; second++) {
            advance(SECOND);
        }

        long expected = java.util.Arrays.stream(due).filter(d -> d > 0).count();
        assertThat(expiries).hasSize((int) expected);
        for (long[] expiry : expiries) {
            assertThat(expiry[1]).as("deadline %d", expiry[0]).isEqualTo(due[(int) expiry[0]]);
        }
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(NO_TASK);
    }
}
