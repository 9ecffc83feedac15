package dev.maitre.engine.balance;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.PickContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One eligible snapshot as the weighted balancers read it: the endpoints in an array, their weights
 * in thousandths (so that a ramped weight stays an integer), and for slow start the time each became
 * eligible. Immutable, built once per snapshot.
 */
final class Roster {

    /** Weights are kept in thousandths of the configured weight. */
    static final long SCALE = 1000;
    /** Where slow start begins: 10% of the weight. */
    private static final long RAMP_FLOOR = SCALE / 10;

    final List<Endpoint> eligible;
    private final Endpoint[] endpoints;
    private final long[] weights;
    private final long[] cumulative;
    private final long[] eligibleSince;
    private final Map<BackendId, Long> sinceById;
    private final long window;
    private final long rampEnd;
    /** Set once a pick sees the ramp over; a stale read only costs one more look at the clock. */
    private boolean rampOver;

    private Roster(List<Endpoint> eligible, long[] eligibleSince, Map<BackendId, Long> sinceById, long window) {
        this.eligible = eligible;
        this.endpoints = eligible.toArray(new Endpoint[0]);
        this.weights = new long[endpoints.length];
        this.cumulative = new long[endpoints.length];
        long total = 0;
        for (int i = 0; i < endpoints.length; i++) {
            weights[i] = endpoints[i].weight() * SCALE;
            total += weights[i];
            cumulative[i] = total;
        }
        this.eligibleSince = eligibleSince;
        this.sinceById = sinceById;
        this.window = window;
        long end = Long.MIN_VALUE;
        boolean ramping = false;
        if (eligibleSince != null) {
            for (long since : eligibleSince) {
                long endOfRamp = since + window;
                if (!ramping || endOfRamp - end > 0) {
                    end = endOfRamp;
                    ramping = true;
                }
            }
        }
        this.rampEnd = end;
        this.rampOver = !ramping;
    }

    /** A roster whose endpoints all have their full weight, and (with slow start) have had it for long. */
    static Roster settled(List<Endpoint> eligible, long now, long window) {
        if (window == 0) {
            return new Roster(eligible, null, null, 0);
        }
        return after(null, eligible, now, window);
    }

    /**
     * The roster that follows {@code previous}: endpoints it had keep their ramp, new ones start
     * theirs at {@code now}. Without a previous roster every endpoint counts as long eligible.
     */
    static Roster after(Roster previous, List<Endpoint> eligible, long now, long window) {
        long[] since = new long[eligible.size()];
        Map<BackendId, Long> byId = new HashMap<>(eligible.size() * 2);
        for (int i = 0; i < since.length; i++) {
            BackendId id = eligible.get(i).id();
            Long before = previous == null ? Long.valueOf(now - window) : previous.sinceById.get(id);
            since[i] = before != null ? before : now;
            byId.put(id, since[i]);
        }
        return new Roster(eligible, since, byId, window);
    }

    int size() {
        return endpoints.length;
    }

    Endpoint endpoint(int i) {
        return endpoints[i];
    }

    /** The sum of the full weights. */
    long totalWeight() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /** The index whose share of the full weights holds {@code point}, for {@code 0 <= point < totalWeight()}. */
    int indexAt(long point) {
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > point) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /**
     * The time to weigh endpoints at: the context's clock while some endpoint may still be ramping up,
     * 0 (never read) once every ramp is over.
     */
    long now(PickContext context) {
        if (rampOver) {
            return 0;
        }
        long now = context.nanoTime();
        if (now - rampEnd >= 0) {
            rampOver = true;
        }
        return now;
    }

    /** Whether some endpoint was ramping up at the last {@link #now}. */
    boolean ramping() {
        return !rampOver;
    }

    /** The full weight of endpoint {@code i}, in thousandths. */
    long fullWeight(int i) {
        return weights[i];
    }

    /**
     * The weight of endpoint {@code i} at {@code now}, in thousandths: during slow start it grows
     * linearly from 10% to 100% of the configured weight.
     */
    long weight(int i, long now) {
        if (rampOver) {
            return weights[i];
        }
        long elapsed = now - eligibleSince[i];
        if (elapsed >= window) {
            return weights[i];
        }
        long share = RAMP_FLOOR + (SCALE - RAMP_FLOOR) * Math.max(0, elapsed) / window;
        return endpoints[i].weight() * share;
    }
}
