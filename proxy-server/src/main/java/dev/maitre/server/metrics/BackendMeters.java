package dev.maitre.server.metrics;

import dev.maitre.api.BackendId;
import dev.maitre.api.health.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The counters and latency timer of one backend, created once: recording an outcome is an array read
 * and an increment. {@link ProxyMetrics} adds the backend's gauges to {@link #meters} and removes them
 * all when a reload drops the backend.
 */
final class BackendMeters {

    /** The outcome label of a request: its status class, or what went wrong. */
    private static final String[] OUTCOMES = {
        "1xx", "2xx", "3xx", "4xx", "5xx", "connect_failure", "reset", "timeout", "invalid_response",
    };

    /** The lower end of the latency histogram: a backend on the same host answers within a millisecond. */
    private static final Duration SHORTEST_LATENCY = Duration.ofNanos(100_000);

    final BackendId id;
    final Tags tags;
    // Written by the event loops too (gRPC counters, made when first needed), read by a reload.
    final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Counter[] outcomes = new Counter[OUTCOMES.length];
    private final Timer latency;
    /** By gRPC status (0 to 16), made when a status is first seen: most backends serve no gRPC. */
    private final Counter[] grpc = new Counter[17];
    private final PrometheusMeterRegistry registry;

    BackendMeters(PrometheusMeterRegistry registry, BackendId id) {
        this.registry = registry;
        this.id = id;
        this.tags = Tags.of("cluster", id.cluster(), "backend", id.address().toString());
        for (int i = 0; i < OUTCOMES.length; i++) {
            outcomes[i] = Counter.builder("maitre.backend.requests")
                    .description("requests sent to the backend, by status class or failure")
                    .tags(tags).tag("outcome", OUTCOMES[i]).register(registry);
            meters.add(outcomes[i]);
        }
        // buckets, so that percentiles can be had for any span from their differences
        latency = Timer.builder("maitre.backend.request")
                .description("time from sending a request to the backend to the end of its answer or failure")
                .publishPercentileHistogram().minimumExpectedValue(SHORTEST_LATENCY)
                .tags(tags).register(registry);
        meters.add(latency);
    }

    void record(Outcome outcome) {
        int index = switch (outcome.kind()) {
            case RESPONSE -> Math.min(4, Math.max(0, outcome.status() / 100 - 1));
            case CONNECT_FAILURE -> 5;
            case RESET -> 6;
            case TIMEOUT -> 7;
            case INVALID_RESPONSE -> 8;
            case NO_BACKEND -> -1;
        };
        if (index >= 0) {
            outcomes[index].increment();
            latency.record(outcome.latencyNanos(), TimeUnit.NANOSECONDS);
        }
        int status = outcome.grpcStatus();
        if (status >= 0 && status < grpc.length) {
            grpcCounter(status).increment();
        }
    }

    /** Outcomes from 5xx on (index 4) are errors: the backend's or maitre's own failures. */
    RequestTotals totals() {
        long requests = 0;
        long errors = 0;
        for (int i = 0; i < outcomes.length; i++) {
            long count = (long) outcomes[i].count();
            requests += count;
            errors += i >= 4 ? count : 0;
        }
        HistogramSnapshot snapshot = latency.takeSnapshot();
        CountAtBucket[] buckets = snapshot.histogramCounts();
        long[] bounds = new long[buckets.length];
        long[] counts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = (long) buckets[i].bucket(TimeUnit.NANOSECONDS);
            counts[i] = (long) buckets[i].count();
        }
        return new RequestTotals(requests, errors, snapshot.count(), bounds, counts);
    }

    private Counter grpcCounter(int status) {
        Counter counter = grpc[status];
        if (counter == null) {
            synchronized (this) {
                counter = grpc[status];
                if (counter == null) {
                    counter = Counter.builder("maitre.backend.grpc.responses")
                            .description("gRPC calls the backend answered, by the grpc-status they ended with")
                            .tags(tags).tag("grpc_status", Integer.toString(status)).register(registry);
                    meters.add(counter);
                    grpc[status] = counter;
                }
            }
        }
        return counter;
    }
}
