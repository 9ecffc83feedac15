package dev.maitre.engine.upstream;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.RetryConfig;

/**
 * The backends one request (or one L4 connection) has tried, so that a retry goes elsewhere, and
 * how many more it may try. The first is kept in a field; room for the others is made at the first
 * retry, so a request that needs none allocates nothing here beyond this object, which {@link #reset} makes
 * ready for another.
 */
public final class TriedEndpoints {

    /** The first backend and as many retries as {@code retries.attempts} may ask for. */
    static final int CAPACITY = RetryConfig.MAX_ATTEMPTS + 1;

    private Endpoint first;
    private Endpoint[] others;
    private int count;
    private int retriesLeft;

    /** @param retries how many other backends may be tried after the first ({@code retries.attempts}) */
    public TriedEndpoints(int retries) {
        reset(retries);
    }

    /** Forgets what was tried, for another request allowed {@code retries} retries. */
    public void reset(int retries) {
        for (int i = 0; i < count - 1; i++) {
            others[i] = null;
        }
        first = null;
        count = 0;
        retriesLeft = Math.min(retries, CAPACITY - 1);
    }

    public boolean contains(Endpoint candidate) {
        if (count > 0 && first.equals(candidate)) {
            return true;
        }
        for (int i = 0; i < count - 1; i++) {
            if (others[i].equals(candidate)) {
                return true;
            }
        }
        return false;
    }

    public void add(Endpoint endpoint) {
        if (count == 0) {
            first = endpoint;
        } else {
            if (others == null) {
                others = new Endpoint[CAPACITY - 1];
            }
            others[count - 1] = endpoint;
        }
        count++;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Takes one retry if any is left. */
    public boolean takeRetry() {
        return retriesLeft-- > 0;
    }
}
