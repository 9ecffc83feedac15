package dev.maitre.health.time;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * A {@link HealthScheduler} on virtual time: nothing happens until a test advances the clock, and then
 * every task that has come due runs on the test's thread, in order of due time (and of scheduling,
 * for equal times). Tasks that a task schedules run in the same advance when they come due in it.
 */
public final class VirtualScheduler implements HealthScheduler {

    /** The wall-clock time when the virtual clock reads 0. */
    public static final long EPOCH_MILLIS = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public long currentTimeMillis() {
        return EPOCH_MILLIS + nanoTime() / 1_000_000;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task scheduled = new Task(now + Math.max(0, delayNanos), sequence++, task);
        queue.add(scheduled);
        return () -> {
            synchronized (VirtualScheduler.this) {
                queue.remove(scheduled);
            }
        };
    }

    /** Moves the clock on by {@code duration}, running every task that comes due on the way. */
    public void advance(Duration duration) {
        advanceTo(nanoTime() + duration.toNanos());
    }

    /** Moves the clock to {@code nanos}, running every task that comes due on the way. */
    public void advanceTo(long nanos) {
        while (true) {
            Task next;
            synchronized (this) {
                if (nanos < now) {
                    throw new IllegalArgumentException("cannot go back from " + now + " to " + nanos);
                }
                next = queue.peek();
                if (next == null || next.due > nanos) {
                    now = nanos;
                    return;
                }
                queue.poll();
                now = next.due;
            }
            next.task.run();
        }
    }

    /** Runs the tasks due now. */
    public void runDue() {
        advanceTo(nanoTime());
    }

    /** When the next task is due, if one is scheduled. */
    public synchronized OptionalLong nextDueNanos() {
        Task next = queue.peek();
        return next == null ? OptionalLong.empty() : OptionalLong.of(next.due);
    }

    private record Task(long due, long sequence, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
