package dev.maitre.server.history;

import dev.maitre.server.metrics.RequestTotals;
import java.util.ArrayList;
import java.util.List;

/** One backend's series and health states, and its totals at the previous sample. */
final class BackendHistory {

    private final TrafficSeries traffic;
    /** {@link BandState} ordinals; {@link Double#NaN} when the health monitor did not know it. */
    private final Ring states;
    private RequestTotals previous;

    BackendHistory(int capacity) {
        traffic = new TrafficSeries(capacity);
        states = new Ring(capacity);
    }

    /**
     * Adds the interval that ends with {@code totals}; returns it for the cluster's sums.
     *
     * @param totals {@code null} when the backend has no meters: it counts no request
     * @param state {@code null} when the health monitor does not know the backend
     */
    IntervalTraffic sample(int points, RequestTotals totals, BandState state, double seconds) {
        IntervalTraffic interval = totals == null ? IntervalTraffic.NONE : IntervalTraffic.between(previous, totals);
        previous = totals;
        traffic.add(points, interval, seconds);
        states.padTo(points - 1);
        states.add(state == null ? Double.NaN : state.ordinal());
        return interval;
    }

    HistoryView.BackendView view(String address, long[] times, long intervalMillis) {
        return new HistoryView.BackendView(address, traffic.view(), bands(times, intervalMillis));
    }

    /** Runs of equal states as bands; a band starts where the sample before it was taken. */
    private List<HistoryView.Band> bands(long[] times, long intervalMillis) {
        double[] codes = states.values();
        int offset = times.length - codes.length;
        List<HistoryView.Band> bands = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= codes.length; i++) {
            if (i < codes.length && Double.compare(codes[i], codes[start]) == 0) {
                continue;
            }
            if (!Double.isNaN(codes[start])) {
                int first = offset + start;
                long from = first > 0 ? times[first - 1] : times[first] - intervalMillis;
                bands.add(new HistoryView.Band(from, times[offset + i - 1],
                        BandState.values()[(int) codes[start]].name()));
            }
            start = i;
        }
        return bands;
    }
}
