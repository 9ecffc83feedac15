package dev.maitre.server.history;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.List;

/**
 * The history as {@code GET /api/history} shows it. Series are oldest first and line up with
 * {@code times}; {@code null} is a point without a value (no request in the interval, or the backend
 * was not there yet).
 *
 * @param intervalSeconds the time between two samples
 * @param capacity the most points a series holds
 * @param times when each sample was taken, in milliseconds since the epoch: each point covers the
 *     interval that ends then
 */
public record HistoryView(int intervalSeconds, int capacity, List<Long> times, List<ClusterView> clusters) {

    /**
     * @param requestsPerSecond requests sent to backends per second, and for a cluster those it
     *     answered 503 because none was eligible
     * @param errorRate the share of those answered 5xx or failed in maitre's hands
     * @param p50Ms the median latency of the interval's requests, in milliseconds
     * @param p99Ms their 99th percentile
     */
    public record Series(List<Double> requestsPerSecond, List<Double> errorRate, List<Double> p50Ms,
                         List<Double> p99Ms) {
    }

    public record ClusterView(String name, @JsonUnwrapped Series traffic, List<BackendView> backends) {
    }

    /** @param health the backend's states as bands, oldest first */
    public record BackendView(String address, @JsonUnwrapped Series traffic, List<Band> health) {
    }

    /**
     * A backend seen in one state by the samples from {@code from} (exclusive: the sample before) to
     * {@code to}, in milliseconds since the epoch.
     *
     * @param state {@code HEALTHY}, {@code UNHEALTHY}, {@code DRAINING} or {@code EJECTED}
     */
    public record Band(long from, long to, String state) {
    }

    /** {@code values} rounded to a thousandth, with {@code null} for "no value". */
    static List<Double> numbers(double[] values) {
        List<Double> numbers = new ArrayList<>(values.length);
        for (double value : values) {
            numbers.add(Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 1000) / 1000.0);
        }
        return numbers;
    }
}
