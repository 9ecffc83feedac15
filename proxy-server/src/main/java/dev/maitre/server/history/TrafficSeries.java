package dev.maitre.server.history;

/**
 * The four traffic series of one cluster or backend, one point per interval: requests per second,
 * error rate, and the 50th and 99th latency percentiles in milliseconds.
 */
final class TrafficSeries {

    private final Ring requestsPerSecond;
    private final Ring errorRate;
    private final Ring p50Millis;
    private final Ring p99Millis;

    TrafficSeries(int capacity) {
        requestsPerSecond = new Ring(capacity);
        errorRate = new Ring(capacity);
        p50Millis = new Ring(capacity);
        p99Millis = new Ring(capacity);
    }

    /**
     * Adds the point of an interval of {@code seconds}, after "no value" points for the samples
     * taken before this series began, so that its {@code points}-th point lines up with the
     * {@code points}-th sample time.
     */
    void add(int points, IntervalTraffic interval, double seconds) {
        for (Ring ring : new Ring[] {requestsPerSecond, errorRate, p50Millis, p99Millis}) {
            ring.padTo(points - 1);
        }
        requestsPerSecond.add(seconds > 0 ? interval.requests() / seconds : Double.NaN);
        errorRate.add(interval.errorRate());
        p50Millis.add(interval.percentileMillis(0.50));
        p99Millis.add(interval.percentileMillis(0.99));
    }

    HistoryView.Series view() {
        return new HistoryView.Series(HistoryView.numbers(requestsPerSecond.values()),
                HistoryView.numbers(errorRate.values()), HistoryView.numbers(p50Millis.values()),
                HistoryView.numbers(p99Millis.values()));
    }
}
