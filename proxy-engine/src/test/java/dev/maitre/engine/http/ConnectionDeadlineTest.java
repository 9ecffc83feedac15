package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection timer on virtual time: an embedded event loop whose clock stands still until the
 * test moves it. {@link EmbeddedChannel#runScheduledPendingTasks()} runs what is due and answers how
 * long until the next pending task ({@code -1}: none), which is how a test sees what is scheduled.
 */
class ConnectionDeadlineTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long NO_TASK = -1;

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private int expiries;
    private ConnectionDeadline.Kind lastExpired;
    private final ConnectionDeadline deadline;

    ConnectionDeadlineTest() {
        loop.freezeTime();
        deadline = new ConnectionDeadline(loop.eventLoop(), kind -> {
            expiries++;
            lastExpired = kind;
        });
    }

    @AfterEach
    void closeLoop() {
        loop.finishAndReleaseAll();
    }

    /** Moves virtual time on by {@code nanos}, runs what is due, and answers the delay until the next task. */
    private long advance(long nanos) {
        loop.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        return loop.runScheduledPendingTasks();
    }

    @Test
    void expiresAtTheDeadlineAndNotBefore() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);

        advance(10 * SECOND - 1);
        assertThat(expiries).isZero();

        assertThat(advance(1)).isEqualTo(NO_TASK);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void movingTheDeadlineLaterKeepsThePendingTaskAndExpiresAtTheNewDeadline() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        assertThat(advance(4 * SECOND)).isEqualTo(6 * SECOND);

        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        // still the first task, due 6 s from now; a rescheduled one would be due in 10 s
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(6 * SECOND);

        // the first task fires early and waits again for what is left
        assertThat(advance(6 * SECOND)).isEqualTo(4 * SECOND);
        assertThat(expiries).isZero();

        advance(4 * SECOND - 1);
        assertThat(expiries).isZero();
        assertThat(advance(1)).isEqualTo(NO_TASK);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void movingTheDeadlineEarlierReschedulesTheTask() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline.set(3 * SECOND, ConnectionDeadline.Kind.IDLE);
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(3 * SECOND);

        // the task of the later deadline was cancelled: nothing is left after the expiry
        assertThat(advance(3 * SECOND)).isEqualTo(NO_TASK);
        assertThat(expiries).isEqualTo(1);
        advance(10 * SECOND);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void aClearedDeadlineLetsItsPendingTaskRunWithoutEffect() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline.clear();
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(10 * SECOND);

        assertThat(advance(10 * SECOND)).isEqualTo(NO_TASK);
        assertThat(expiries).isZero();
    }

    @Test
    void aDeadlineSetAgainAfterClearReusesThePendingTask() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline.clear();
        advance(2 * SECOND);
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(8 * SECOND);

        advance(8 * SECOND);
        assertThat(expiries).isZero();
        advance(2 * SECOND);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void stopCancelsThePendingTask() {
        deadline.set(10 * SECOND, ConnectionDeadline.Kind.IDLE);
        deadline.stop();
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(NO_TASK);

        advance(20 * SECOND);
        assertThat(expiries).isZero();
    }

    @Test
    void aDeadlineSetAfterAnExpiryExpiresAgain() {
        deadline.set(SECOND, ConnectionDeadline.Kind.IDLE);
        advance(SECOND);
        assertThat(expiries).isEqualTo(1);

        deadline.set(5 * SECOND, ConnectionDeadline.Kind.IDLE);
        assertThat(loop.runScheduledPendingTasks()).isEqualTo(5 * SECOND);
        advance(5 * SECOND - 1);
        assertThat(expiries).isEqualTo(1);
        advance(1);
        assertThat(expiries).isEqualTo(2);
    }

    @Test
    void anExpiryIsToldOnce() {
        deadline.set(SECOND, ConnectionDeadline.Kind.IDLE);
        advance(SECOND);
        advance(60 * SECOND);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void anExpiryNamesWhatTheDeadlineStoodFor() {
        deadline.set(SECOND, ConnectionDeadline.Kind.HEAD);
        deadline.set(2 * SECOND, ConnectionDeadline.Kind.EXCHANGE);
        assertThat(deadline.kind()).isEqualTo(ConnectionDeadline.Kind.EXCHANGE);

        advance(2 * SECOND);
        assertThat(expiries).isEqualTo(1);
        assertThat(lastExpired).isEqualTo(ConnectionDeadline.Kind.EXCHANGE);
        assertThat(deadline.kind()).isNull();
    }

    @Test
    void clearingAnotherKindLeavesTheDeadline() {
        deadline.set(SECOND, ConnectionDeadline.Kind.IDLE);
        deadline.clear(ConnectionDeadline.Kind.EXCHANGE);
        advance(SECOND);
        assertThat(lastExpired).isEqualTo(ConnectionDeadline.Kind.IDLE);

        deadline.set(SECOND, ConnectionDeadline.Kind.EXCHANGE);
        deadline.clear(ConnectionDeadline.Kind.EXCHANGE);
        advance(SECOND);
        assertThat(expiries).isEqualTo(1);
    }
}
