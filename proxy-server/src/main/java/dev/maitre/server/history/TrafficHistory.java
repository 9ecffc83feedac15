package dev.maitre.server.history;

import dev.maitre.api.BackendId;
import dev.maitre.health.BackendHealth;
import dev.maitre.health.ClusterHealth;
import dev.maitre.server.metrics.RequestTotals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last minutes of traffic and health of every cluster and backend, for the dashboard's charts:
 * a sample every {@link #INTERVAL} reads the request totals the metrics keep and the health
 * monitor's states, and adds one point per series to rings of {@link #POINTS} points.
 *
 * <p>Memory is bounded by the configuration: per backend five rings (four traffic series and the
 * health states) and per cluster four, each of {@code POINTS} doubles, so about 7 KiB per backend
 * and 6 KiB per cluster, plus the previous totals of each backend. A backend or cluster no longer in
 * the health monitor's snapshot (a reload removed it) is dropped at the next sample.
 *
 * <p>Samples are taken on a thread of their own ({@code maitre-history}), never on an event loop;
 * the sample and the admin API's reads are serialized by this object's lock, which no request path
 * takes.
 */
public final class TrafficHistory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficHistory.class);

    /** The time between two samples. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);
    /** Points per series: 15 minutes. */
    public static final int POINTS = 180;

    private final Supplier<List<ClusterHealth>> health;
    private final RequestTotals.Source totals;
    private final LongSupplier clock;
    private final int capacity;
    private final long intervalMillis;
    private final Ring times;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private long previousMillis;
    private ScheduledExecutorService sampler;

    /**
     * @param health the health monitor's snapshot of every cluster, read at each sample
     * @param totals the request totals of a backend, read at each sample
     * @param clock milliseconds since the epoch
     */
    public TrafficHistory(Supplier<List<ClusterHealth>> health, RequestTotals.Source totals, LongSupplier clock) {
        this(health, totals, clock, INTERVAL, POINTS);
    }

    TrafficHistory(Supplier<List<ClusterHealth>> health, RequestTotals.Source totals, LongSupplier clock,
                   Duration interval, int capacity) {
        this.health = health;
        this.totals = totals;
        this.clock = clock;
        this.capacity = capacity;
        this.intervalMillis = interval.toMillis();
        this.times = new Ring(capacity);
        this.previousMillis = clock.getAsLong();
    }

    /** Samples every {@link #INTERVAL} from now on, until {@link #close}. */
    public synchronized void start() {
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "maitre-history");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(this::sampleSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            // one bad sample leaves a gap; a scheduled task that throws would never run again
            log.warn("history sample failed: {}", e.toString());
        }
    }

    /** Takes one sample now: one point per series, for the interval since the previous sample. */
    synchronized void sample() {
        long now = clock.getAsLong();
        double seconds = (now - previousMillis) / 1000.0;
        previousMillis = now;
        times.add(now);
        int points = times.size();
        Map<String, Cluster> seen = new LinkedHashMap<>();
        for (ClusterHealth cluster : health.get()) {
            Cluster history = clusters.computeIfAbsent(cluster.name(), name -> new Cluster(capacity));
            seen.put(cluster.name(), history);
            history.sample(cluster, points, seconds);
        }
        clusters.clear();
        clusters.putAll(seen);
    }

    /** Every series, oldest point first, in the health monitor's order of clusters and backends. */
    public synchronized HistoryView view() {
        double[] sampled = times.values();
        long[] at = new long[sampled.length];
        List<Long> timeList = new ArrayList<>(sampled.length);
        for (int i = 0; i < sampled.length; i++) {
            at[i] = (long) sampled[i];
            timeList.add(at[i]);
        }
        List<HistoryView.ClusterView> views = new ArrayList<>();
        clusters.forEach((name, cluster) -> views.add(cluster.view(name, at)));
        return new HistoryView((int) (intervalMillis / 1000), capacity, timeList, views);
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** A cluster's sums and its backends' histories, by address. */
    private final class Cluster {
        private final TrafficSeries traffic;
        private final Map<String, BackendHistory> backends = new LinkedHashMap<>();
        private long previousNoBackend;

        Cluster(int capacity) {
            traffic = new TrafficSeries(capacity);
        }

        void sample(ClusterHealth cluster, int points, double seconds) {
            IntervalTraffic sum = IntervalTraffic.NONE;
            Map<String, BackendHistory> seen = new LinkedHashMap<>();
            for (BackendHealth backend : cluster.backends()) {
                String address = backend.address().toString();
                BackendHistory history = backends.computeIfAbsent(address, a -> new BackendHistory(capacity));
                seen.put(address, history);
                RequestTotals now = totals.backend(new BackendId(cluster.name(), backend.address()));
                sum = sum.plus(history.sample(points, now, BandState.of(backend), seconds));
            }
            backends.clear();
            backends.putAll(seen);
            long noBackend = totals.noBackend(cluster.name());
            // a count that went down was made anew by a reload
            long refused = noBackend >= previousNoBackend ? noBackend - previousNoBackend : noBackend;
            previousNoBackend = noBackend;
            traffic.add(points, sum.plusFailures(refused), seconds);
        }

        HistoryView.ClusterView view(String name, long[] times) {
            List<HistoryView.BackendView> views = new ArrayList<>();
            backends.forEach((address, backend) -> views.add(backend.view(address, times, intervalMillis)));
            return new HistoryView.ClusterView(name, traffic.view(), views);
        }
    }
}
