package dev.maitre.engine.upstream;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.RetryConfig;

/**
 * The backends one request (or one L4 connection) has tried, so that a retry goes elsewhere, and
 * how many more it may try. Fixed-size: allocated once per request, nothing per pick.
 */
public final class TriedEndpoints {

    /** The first backend and as many retries as {@code retries.attempts} may ask for. */
    static final int CAPACITY = RetryConfig.MAX_ATTEMPTS + 1;

    private final Endpoint[] tried = new Endpoint[CAPACITY];
    private int count;
    private int retriesLeft;

    /** @param retries how many other backends may be tried after the first ({@code retries.attempts}) */
    public TriedEndpoints(int retries) {
        this.retriesLeft = Math.min(retries, CAPACITY - 1);
    }

    public boolean contains(Endpoint candidate) {
        for (int i = 0; i < count; i++) {
            if (tried[i].equals(candidate)) {
                return true;
            }
        }
        return false;
    }

    public void add(Endpoint endpoint) {
        tried[count++] = endpoint;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Takes one retry if any is left. */
    public boolean takeRetry() {
        return retriesLeft-- > 0;
    }
}
