package dev.maitre.engine.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * When the {@link ConnectionDeadline}s of one event loop's connections next wake up, in one binary
 * heap under one scheduled task, the earliest's. A task of each connection's own would cost every
 * idle connection 64 bytes more. Confined to its event loop, whose ticker it reads time from.
 */
final class DeadlineWakeups implements Runnable {

    private static final FastThreadLocal<DeadlineWakeups> OF_LOOP = new FastThreadLocal<>();
    private static final int INITIAL_CAPACITY = 64;

    private final EventExecutor executor;
    private final Ticker ticker;
    private ConnectionDeadline[] heap = new ConnectionDeadline[INITIAL_CAPACITY];
    private int size;
    private ScheduledFuture<?> task;
    private long taskAtNanos;

    private DeadlineWakeups(EventExecutor executor) {
        this.executor = executor;
        this.ticker = executor.ticker();
    }

    /** The wake-ups of {@code executor}, the event loop of the calling thread. */
    static DeadlineWakeups of(EventExecutor executor) {
        DeadlineWakeups wakeups = OF_LOOP.get();
        if (wakeups == null || wakeups.executor != executor) {
            // A thread that runs one loop, always the same (an embedded loop in tests may change).
            wakeups = new DeadlineWakeups(executor);
            OF_LOOP.set(wakeups);
        }
        return wakeups;
    }

    long nanoTime() {
        return ticker.nanoTime();
    }

    /** Wakes {@code deadline} at {@code atNanos}, instead of when it was to wake before. */
    void wakeAt(ConnectionDeadline deadline, long atNanos) {
        if (deadline.heapIndex >= 0) {
            removeAt(deadline.heapIndex);
        }
        deadline.wakeAtNanos = atNanos;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        deadline.heapIndex = size;
        heap[size++] = deadline;
        siftUp(deadline.heapIndex);
        scheduleEarliest();
    }

    /** {@code deadline} no longer wakes. */
    void remove(ConnectionDeadline deadline) {
        if (deadline.heapIndex >= 0) {
            removeAt(deadline.heapIndex);
            scheduleEarliest();
        }
    }

    @Override
    public void run() {
        task = null;
        long now = ticker.nanoTime();
        while (size > 0 && heap[0].wakeAtNanos - now <= 0) {
            ConnectionDeadline due = heap[0];
            removeAt(0);
            due.wake(now);
        }
        scheduleEarliest();
    }

    /**
     * Keeps the task no later than the earliest wake-up; one later than it is replaced, an earlier
     * one left to fire and schedule again. No task when nothing waits.
     */
    private void scheduleEarliest() {
        if (size == 0) {
            if (task != null) {
                task.cancel(false);
                task = null;
            }
            return;
        }
        long earliest = heap[0].wakeAtNanos;
        if (task != null && earliest - taskAtNanos >= 0) {
            return;
        }
        if (task != null) {
            task.cancel(false);
        }
        taskAtNanos = earliest;
        task = executor.schedule(this, Math.max(0, earliest - ticker.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void removeAt(int index) {
        ConnectionDeadline removed = heap[index];
        removed.heapIndex = -1;
        ConnectionDeadline last = heap[--size];
        heap[size] = null;
        if (index == size) {
            return;
        }
        heap[index] = last;
        last.heapIndex = index;
        siftDown(index);
        siftUp(last.heapIndex);
    }

    private void siftUp(int index) {
        ConnectionDeadline moving = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (heap[parent].wakeAtNanos - moving.wakeAtNanos <= 0) {
                break;
            }
            place(heap[parent], index);
            index = parent;
        }
        place(moving, index);
    }

    private void siftDown(int index) {
        ConnectionDeadline moving = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].wakeAtNanos - heap[child].wakeAtNanos < 0) {
                child = right;
            }
            if (moving.wakeAtNanos - heap[child].wakeAtNanos <= 0) {
                break;
            }
            place(heap[child], index);
            index = child;
        }
        place(moving, index);
    }

    private void place(ConnectionDeadline deadline, int index) {
        heap[index] = deadline;
        deadline.heapIndex = index;
    }
}
