package dev.maitre.server.metrics;

import dev.maitre.api.BackendId;

/**
 * A backend's request counts since its meters were made, as {@code GET /metrics} shows them: what the
 * dashboard's history takes differences of.
 *
 * @param requests requests sent to the backend, whatever their outcome
 * @param errors those answered 5xx or failed in maitre's hands (connect failure, reset, timeout,
 *     invalid answer)
 * @param latencyCount the requests the latency histogram holds
 * @param bucketBoundsNanos the upper bounds of the latency histogram's buckets, ascending
 * @param cumulativeBuckets for each bound, the requests that took no longer; those longer than the
 *     last bound are {@code latencyCount} minus the last of these
 */
public record RequestTotals(long requests, long errors, long latencyCount, long[] bucketBoundsNanos,
                            long[] cumulativeBuckets) {

    public RequestTotals {
        if (bucketBoundsNanos.length != cumulativeBuckets.length) {
            throw new IllegalArgumentException("cumulativeBuckets: " + cumulativeBuckets.length
                    + " counts (expected: one per bound, " + bucketBoundsNanos.length + ")");
        }
    }

    /** Where the totals are read from: maitre's metrics. */
    public interface Source {

        /** The totals of {@code backend}; {@code null} when it has no meters (not in the configuration). */
        RequestTotals backend(BackendId backend);

        /** Requests of {@code cluster} answered 503 because none of its backends was eligible. */
        long noBackend(String cluster);
    }
}
