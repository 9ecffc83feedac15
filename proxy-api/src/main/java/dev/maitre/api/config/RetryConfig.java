package dev.maitre.api.config;

import java.time.Duration;

/**
 * Retries of requests that could not be delivered.
 *
 * @param attempts how many other backends are tried after a connect failure before answering 502
 *     (at most {@link #MAX_ATTEMPTS})
 * @param nonIdempotent whether a request whose method is not idempotent (POST, PATCH...) may be
 *     sent again once some of it was sent to a backend that failed before answering; off, such a
 *     request is sent once and a failure answers 502 (RFC 9110 §9.2.2)
 * @param perTryTimeout how long one try of a request that may be sent again waits for the answer's
 *     head once the request was sent whole, before it is given up and the request goes to another
 *     backend; {@link Duration#ZERO} (the default) for no such limit
 */
public record RetryConfig(int attempts, boolean nonIdempotent, Duration perTryTimeout) {

    public static final int DEFAULT_ATTEMPTS = 2;
    /** The most retries of one request; the engine keeps room for this many backends plus the first. */
    public static final int MAX_ATTEMPTS = 10;

    public RetryConfig {
        if (perTryTimeout == null || perTryTimeout.isNegative()) {
            throw new IllegalArgumentException("perTryTimeout: " + perTryTimeout + " (expected: >= 0)");
        }
    }

    /** Without a per-try timeout. */
    public RetryConfig(int attempts, boolean nonIdempotent) {
        this(attempts, nonIdempotent, Duration.ZERO);
    }

    /** Without retries of non-idempotent requests nor a per-try timeout. */
    public RetryConfig(int attempts) {
        this(attempts, false);
    }

    public static RetryConfig defaults() {
        return new RetryConfig(DEFAULT_ATTEMPTS, false);
    }

    /** Whether tries are limited in time ({@link #perTryTimeout}). */
    public boolean limitsTries() {
        return !perTryTimeout.isZero();
    }
}
