package dev.maitre.bench.ws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReadsZero() {
        LatencyHistogram histogram = new LatencyHistogram();

        assertThat(histogram.count()).isZero();
        assertThat(histogram.percentileNanos(99)).isZero();
    }

    @Test
    void valuesBelow128AreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 100; v++) {
            histogram.record(v);
        }

        assertThat(histogram.percentileNanos(50)).isEqualTo(50);
        assertThat(histogram.percentileNanos(99)).isEqualTo(99);
        assertThat(histogram.percentileNanos(100)).isEqualTo(100);
    }

    @Test
    void percentilesOfMicrosecondsToMillisecondsAreWithinOneBucket() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long micros = 1; micros <= 10_000; micros++) {
            histogram.record(micros * 1000);
        }

        assertThat(histogram.count()).isEqualTo(10_000);
        assertWithinBucket(histogram.percentileNanos(50), 5_000_000);
        assertWithinBucket(histogram.percentileNanos(99), 9_900_000);
        assertWithinBucket(histogram.percentileNanos(99.9), 9_990_000);
        assertThat(histogram.percentileNanos(100)).isEqualTo(10_000_000);
        assertThat(histogram.maxNanos()).isEqualTo(10_000_000);
    }

    @Test
    void oneSlowValueInAHundredIsTheP99() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            histogram.record(200_000);
        }
        histogram.record(5_000_000);
        histogram.record(5_000_000);

        assertWithinBucket(histogram.percentileNanos(50), 200_000);
        assertWithinBucket(histogram.percentileNanos(99), 5_000_000);
    }

    @Test
    void everyValueFallsInABucketWhoseBoundHoldsIt() {
        for (long value : new long[] {0, 1, 127, 128, 129, 255, 256, 1_000_000, 123_456_789_012L, Long.MAX_VALUE}) {
            long bound = LatencyHistogram.upperBound(LatencyHistogram.index(value));
            assertThat(bound).as("bound of %s", value).isGreaterThanOrEqualTo(value);
            assertThat(bound - value).as("bound of %s", value).isLessThanOrEqualTo(Math.max(0, value / 64));
        }
    }

    private static void assertWithinBucket(long read, long recorded) {
        assertThat(read).isBetween(recorded, recorded + recorded / 64);
    }
}
