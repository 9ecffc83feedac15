package dev.maitre.bench.ws;

/**
 * Counts latencies in nanoseconds in buckets whose width grows with the value, as HdrHistogram does:
 * values below 128 ns are exact, above that each power of two is cut into 64 buckets, so a
 * percentile read back is at most 1/64 (1.6 %) above the value recorded. Recording allocates
 * nothing; the histogram belongs to one thread.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    /** Indexes 0..127 hold values 0..127 exactly; above, 64 per power of two up to 2^63. */
    private static final int BUCKETS = 2 * SUB_BUCKETS + (63 - SUB_BITS - 1) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[index(value)]++;
        total++;
        max = Math.max(max, value);
    }

    long count() {
        return total;
    }

    long maxNanos() {
        return max;
    }

    /**
     * The smallest bucket's upper bound below which at least {@code percentile} % of the values lie
     * (never above the largest value recorded); 0 when nothing was recorded.
     */
    long percentileNanos(double percentile) {
        if (total == 0) {
            return 0;
        }
        long wanted = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= wanted) {
                return Math.min(max, upperBound(i));
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < 2 * SUB_BUCKETS) {
            return (int) value;
        }
        int highestBit = 63 - Long.numberOfLeadingZeros(value);
        int shift = highestBit - SUB_BITS;
        int mantissa = (int) (value >>> shift);
        return SUB_BUCKETS * (shift + 1) + mantissa - SUB_BUCKETS;
    }

    static long upperBound(int index) {
        if (index < 2 * SUB_BUCKETS) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long mantissa = SUB_BUCKETS + index % SUB_BUCKETS;
        return ((mantissa + 1) << shift) - 1;
    }
}
