package dev.maitre.server.history;

import dev.maitre.server.metrics.RequestTotals;
import java.util.Arrays;

/**
 * The requests of one interval between two samples: the differences of the totals, and of the
 * latency histogram's buckets, so that the percentiles are the interval's own and not those of
 * everything since start.
 *
 * @param bucketBoundsNanos the histogram's upper bounds, ascending
 * @param cumulativeBuckets for each bound, the interval's requests that took no longer
 * @param latencyCount the interval's requests in the histogram, those beyond the last bound included
 */
record IntervalTraffic(long requests, long errors, long latencyCount, long[] bucketBoundsNanos,
                       long[] cumulativeBuckets) {

    static final IntervalTraffic NONE = new IntervalTraffic(0, 0, 0, new long[0], new long[0]);

    /**
     * What happened from {@code before} to {@code now}. When a count went down, the meters were made
     * anew in between (a reload removed the backend and added it back): {@code now} is all there is.
     *
     * @param before {@code null} for the backend's first sample, when its meters started at zero
     */
    static IntervalTraffic between(RequestTotals before, RequestTotals now) {
        if (before == null || restarted(before, now)) {
            return new IntervalTraffic(now.requests(), now.errors(), now.latencyCount(),
                    now.bucketBoundsNanos(), now.cumulativeBuckets());
        }
        long[] buckets = new long[now.cumulativeBuckets().length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = now.cumulativeBuckets()[i] - before.cumulativeBuckets()[i];
        }
        return new IntervalTraffic(now.requests() - before.requests(), now.errors() - before.errors(),
                now.latencyCount() - before.latencyCount(), now.bucketBoundsNanos(), buckets);
    }

    private static boolean restarted(RequestTotals before, RequestTotals now) {
        if (now.requests() < before.requests() || now.errors() < before.errors()
                || now.latencyCount() < before.latencyCount()
                || !Arrays.equals(now.bucketBoundsNanos(), before.bucketBoundsNanos())) {
            return true;
        }
        for (int i = 0; i < now.cumulativeBuckets().length; i++) {
            if (now.cumulativeBuckets()[i] < before.cumulativeBuckets()[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * This interval and {@code other} together, as a cluster sums its backends. Their histograms have
     * the same bounds (every backend's is made alike); one without requests adds nothing to it.
     */
    IntervalTraffic plus(IntervalTraffic other) {
        if (other.latencyCount == 0 || latencyCount == 0) {
            IntervalTraffic histogram = latencyCount == 0 ? other : this;
            return new IntervalTraffic(requests + other.requests, errors + other.errors, histogram.latencyCount,
                    histogram.bucketBoundsNanos, histogram.cumulativeBuckets);
        }
        if (!Arrays.equals(bucketBoundsNanos, other.bucketBoundsNanos)) {
            throw new IllegalArgumentException("latency histograms with different buckets cannot be added");
        }
        long[] buckets = new long[cumulativeBuckets.length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = cumulativeBuckets[i] + other.cumulativeBuckets[i];
        }
        return new IntervalTraffic(requests + other.requests, errors + other.errors,
                latencyCount + other.latencyCount, bucketBoundsNanos, buckets);
    }

    /** The same with {@code more} requests that failed without reaching a backend. */
    IntervalTraffic plusFailures(long more) {
        return new IntervalTraffic(requests + more, errors + more, latencyCount, bucketBoundsNanos, cumulativeBuckets);
    }

    /** Errors per request; {@link Double#NaN} when there was no request. */
    double errorRate() {
        return requests == 0 ? Double.NaN : (double) errors / requests;
    }

    /**
     * The latency under which a share {@code quantile} of the interval's requests ended, in
     * milliseconds, as Prometheus' {@code histogram_quantile} estimates it: linear within the bucket
     * the rank falls in (the first bucket starts at 0), and the last bound when the rank falls beyond
     * it. {@link Double#NaN} when the interval had no request.
     */
    double percentileMillis(double quantile) {
        if (latencyCount == 0 || cumulativeBuckets.length == 0) {
            return Double.NaN;
        }
        double rank = quantile * latencyCount;
        long below = 0;
        long lower = 0;
        for (int i = 0; i < cumulativeBuckets.length; i++) {
            long upTo = cumulativeBuckets[i];
            if (upTo >= rank && upTo > below) {
                double within = (rank - below) / (upTo - below);
                return (lower + (bucketBoundsNanos[i] - lower) * within) / 1e6;
            }
            below = upTo;
            lower = bucketBoundsNanos[i];
        }
        return bucketBoundsNanos[bucketBoundsNanos.length - 1] / 1e6;
    }
}
