package dev.maitre.api.config;

/**
 * Retries of requests that could not be delivered.
 *
 * @param attempts how many other backends are tried after a connect failure before answering 502
 */
public record RetryConfig(int attempts) {

    public static final int DEFAULT_ATTEMPTS = 2;

    public static RetryConfig defaults() {
        return new RetryConfig(DEFAULT_ATTEMPTS);
    }
}
