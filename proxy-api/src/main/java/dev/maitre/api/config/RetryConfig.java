package dev.maitre.api.config;

/**
 * Retries of requests that could not be delivered.
 *
 * @param attempts how many other backends are tried after a connect failure before answering 502
 *     (at most {@link #MAX_ATTEMPTS})
 * @param nonIdempotent whether a request whose method is not idempotent (POST, PATCH...) may be
 *     sent again once some of it was sent to a backend that failed before answering; off, such a
 *     request is sent once and a failure answers 502 (RFC 9110 §9.2.2)
 */
public record RetryConfig(int attempts, boolean nonIdempotent) {

    public static final int DEFAULT_ATTEMPTS = 2;
    /** The most retries of one request; the engine keeps room for this many backends plus the first. */
    public static final int MAX_ATTEMPTS = 10;

    /** Without retries of non-idempotent requests. */
    public RetryConfig(int attempts) {
        this(attempts, false);
    }

    public static RetryConfig defaults() {
        return new RetryConfig(DEFAULT_ATTEMPTS, false);
    }
}
