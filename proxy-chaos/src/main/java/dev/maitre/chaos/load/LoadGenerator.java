package dev.maitre.chaos.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady, bounded stream of GET requests to maitre: each worker thread sends one request per
 * period (or as soon as the previous answer ended, if that took longer) on its own connection,
 * kept alive or opened anew for each request. Every outcome is recorded with monotonic times.
 * The stream stops when told to, or by itself after {@code maxDuration} or {@code maxRequests}.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Whether a worker reuses its connection. */
    public enum Mode { KEEP_ALIVE, NEW_CONNECTION }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final long deadlineNanos;
    private final int maxRequests;
    private volatile boolean stopped;

    private LoadGenerator(Duration maxDuration, int maxRequests) {
        this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
        this.maxRequests = maxRequests;
    }

    /**
     * Starts {@code workers} threads sending {@code GET path} to loopback {@code port}.
     *
     * @param sha256 the expected body digest, or null to not check bodies
     * @param timeout how long a client waits for any byte before it gives up
     */
    public static LoadGenerator start(int port, String path, String sha256, Mode mode, int workers, Duration period,
                                      Duration timeout, Duration maxDuration, int maxRequests) {
        LoadGenerator load = new LoadGenerator(maxDuration, maxRequests);
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(() -> load.run(port, path, sha256, mode, period, timeout),
                    "chaos-load-" + port + "-" + i);
            worker.setDaemon(true);
            load.workers.add(worker);
        }
        load.workers.forEach(Thread::start);
        return load;
    }

    private void run(int port, String path, String sha256, Mode mode, Duration period, Duration timeout) {
        try (HttpProbe probe = new HttpProbe(port, mode == Mode.KEEP_ALIVE, (int) timeout.toMillis())) {
            long next = System.nanoTime();
            while (!stopped && System.nanoTime() < deadlineNanos && sent.incrementAndGet() <= maxRequests) {
                outcomes.add(probe.get(path, sha256));
                next += period.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        }
    }

    /** Stops sending and waits for the requests in flight to end. */
    public List<Outcome> stop() throws InterruptedException {
        stopped = true;
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(60));
        }
        return outcomes();
    }

    /** The outcomes so far, in the order the requests were sent. */
    public List<Outcome> outcomes() {
        List<Outcome> all = new ArrayList<>(outcomes);
        all.sort(Comparator.comparingLong(Outcome::startNanos));
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
