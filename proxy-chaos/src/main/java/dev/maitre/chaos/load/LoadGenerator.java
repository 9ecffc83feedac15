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
 * A steady, bounded stream of GET requests to maitre: each client sends one request per period (or
 * as soon as the previous answer ended, if that took longer), over HTTP/1.1 or HTTP/2 as its
 * {@link Clients} say, each on a worker thread of its own that waits for the answer. Every outcome
 * is recorded with monotonic times. The stream stops when told to, or by itself after
 * {@code maxDuration} or {@code maxRequests}.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Whether a client reuses its connection. */
    public enum Mode { KEEP_ALIVE, NEW_CONNECTION }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private final long deadlineNanos;
    private final int maxRequests;
    /** The HTTP/2 clients' connections and event loop; null for HTTP/1.1 clients. */
    private final Http2Clients http2;
    private volatile boolean stopped;

    private LoadGenerator(Duration maxDuration, int maxRequests, Http2Clients http2) {
        this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
        this.maxRequests = maxRequests;
        this.http2 = http2;
    }

    /**
     * Starts {@code workers} HTTP/1.1 clients sending {@code GET path} to loopback {@code port}.
     *
     * @param sha256 the expected body digest, or null to not check bodies
     * @param timeout how long a client waits for any byte before it gives up
     */
    public static LoadGenerator start(int port, String path, String sha256, Mode mode, int workers, Duration period,
                                      Duration timeout, Duration maxDuration, int maxRequests) {
        return start(port, path, sha256, Clients.http1(mode, workers), period, timeout, maxDuration, maxRequests);
    }

    /** As {@link #start(int, String, String, Mode, int, Duration, Duration, Duration, int)}, with any clients. */
    public static LoadGenerator start(int port, String path, String sha256, Clients clients, Duration period,
                                      Duration timeout, Duration maxDuration, int maxRequests) {
        int timeoutMillis = (int) timeout.toMillis();
        Http2Clients http2 = clients.protocol() == ClientProtocol.HTTP_2
                ? new Http2Clients(port, clients, timeoutMillis) : null;
        LoadGenerator load = new LoadGenerator(maxDuration, maxRequests, http2);
        for (int i = 0; i < clients.count(); i++) {
            int client = i;
            Thread worker = new Thread(() -> load.run(http2 != null ? http2.probe(client)
                    : new HttpProbe(port, clients.mode() == Mode.KEEP_ALIVE, timeoutMillis), path, sha256, period),
                    "chaos-load-" + port + "-" + i);
            worker.setDaemon(true);
            load.workers.add(worker);
        }
        load.workers.forEach(Thread::start);
        return load;
    }

    private void run(Probe client, String path, String sha256, Duration period) {
        try (Probe probe = client) {
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
        if (http2 != null) {
            http2.close();
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
