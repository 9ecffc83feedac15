package dev.maitre.api.balance;

/**
 * What a balancer may consider beyond the list of eligible endpoints: the endpoints already tried,
 * the load on each, the request's hash key and the time. One instance is reused per request, so a
 * pick allocates nothing; every method but {@link #isExcluded} has a default, so contexts written for
 * simpler balancers keep working.
 */
public interface PickContext {

    /** True when this endpoint was already tried for the current request and must not be picked again. */
    boolean isExcluded(Endpoint endpoint);

    /** Requests {@code endpoint} is serving now, across all event loops; 0 when unknown. */
    default int activeRequests(Endpoint endpoint) {
        return 0;
    }

    /**
     * The hash of what the cluster's {@code hashOn} names (client IP, header, cookie or path), the same
     * for every request that carries the same value; 0 when the context has none.
     */
    default long hashKey() {
        return 0;
    }

    /** A monotonic time in nanoseconds, on which slow start ramps weights up. */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** A context that excludes nothing. */
    PickContext EMPTY = endpoint -> false;
}
