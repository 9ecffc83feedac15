package dev.maitre.server.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.maitre.server.metrics.RequestTotals;
import org.junit.jupiter.api.Test;

class IntervalTrafficTest {

    /** Buckets up to 1, 2, 4 and 8 ms. */
    private static final long[] BOUNDS = {1_000_000, 2_000_000, 4_000_000, 8_000_000};

    private static RequestTotals totals(long requests, long errors, long... cumulative) {
        long beyond = requests - cumulative[cumulative.length - 1];
        return new RequestTotals(requests, errors, cumulative[cumulative.length - 1] + beyond, BOUNDS, cumulative);
    }

    @Test
    void anIntervalIsTheDifferenceOfItsTotals() {
        IntervalTraffic interval = IntervalTraffic.between(totals(100, 5, 50, 90, 100, 100),
                totals(140, 15, 60, 100, 140, 140));

        assertThat(interval.requests()).isEqualTo(40);
        assertThat(interval.errors()).isEqualTo(10);
        assertThat(interval.errorRate()).isEqualTo(0.25);
        assertThat(interval.cumulativeBuckets()).containsExactly(10, 10, 40, 40);
    }

    @Test
    void thePercentilesAreTheIntervalsOwnNotThoseSinceStart() {
        // since start: 1000 fast requests (under 1 ms); in this interval: 100 requests between 2 and 4 ms
        RequestTotals before = totals(1000, 0, 1000, 1000, 1000, 1000);
        RequestTotals now = totals(1100, 0, 1000, 1000, 1100, 1100);

        IntervalTraffic interval = IntervalTraffic.between(before, now);

        assertThat(interval.percentileMillis(0.5)).isCloseTo(3.0, within(1e-9));
        assertThat(interval.percentileMillis(0.99)).isCloseTo(3.98, within(1e-9));
    }

    @Test
    void aPercentileIsInterpolatedWithinItsBucketAndTheFirstBucketStartsAtZero() {
        IntervalTraffic interval = IntervalTraffic.between(null, totals(100, 0, 40, 80, 100, 100));

        assertThat(interval.percentileMillis(0.2)).isCloseTo(0.5, within(1e-9));
        assertThat(interval.percentileMillis(0.5)).isCloseTo(1.25, within(1e-9));
        assertThat(interval.percentileMillis(0.99)).isCloseTo(3.9, within(1e-9));
    }

    @Test
    void aRankBeyondTheLastBucketIsTheLastBound() {
        IntervalTraffic interval = IntervalTraffic.between(null, totals(100, 0, 0, 0, 0, 50));

        assertThat(interval.percentileMillis(0.99)).isEqualTo(8.0);
    }

    @Test
    void anIntervalWithoutRequestsHasNoErrorRateAndNoPercentiles() {
        RequestTotals same = totals(10, 1, 10, 10, 10, 10);
        IntervalTraffic interval = IntervalTraffic.between(same, same);

        assertThat(interval.requests()).isZero();
        assertThat(interval.errorRate()).isNaN();
        assertThat(interval.percentileMillis(0.5)).isNaN();
    }

    @Test
    void totalsThatWentDownWereMadeAnewAndCountWhole() {
        IntervalTraffic interval = IntervalTraffic.between(totals(500, 50, 500, 500, 500, 500),
                totals(20, 2, 10, 20, 20, 20));

        assertThat(interval.requests()).isEqualTo(20);
        assertThat(interval.errors()).isEqualTo(2);
        assertThat(interval.percentileMillis(0.5)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aClusterAddsItsBackendsBucketsAndItsOwnRefusals() {
        IntervalTraffic fast = IntervalTraffic.between(null, totals(50, 0, 50, 50, 50, 50));
        IntervalTraffic slow = IntervalTraffic.between(null, totals(50, 10, 0, 0, 50, 50));

        IntervalTraffic cluster = fast.plus(slow).plus(IntervalTraffic.NONE).plusFailures(10);

        assertThat(cluster.requests()).isEqualTo(110);
        assertThat(cluster.errors()).isEqualTo(20);
        assertThat(cluster.latencyCount()).isEqualTo(100);
        assertThat(cluster.percentileMillis(0.5)).isCloseTo(1.0, within(1e-9));
        assertThat(cluster.percentileMillis(0.99)).isCloseTo(3.96, within(1e-9));
    }
}
