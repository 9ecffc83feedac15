package dev.maitre.api.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Keep-alive connections to backends, pooled per event loop and per backend.
 *
 * @param maxIdle idle connections kept per event loop and backend. The default is high, like HAProxy's
 *     (no limit) and Envoy's: only connections that were in use at the same time within the idle
 *     timeout are kept, and a pool too small for the concurrency closes and reopens connections
 *     all the time (TIME_WAIT by the ten thousand, and 40 % more CPU per request at 256 clients
 *     with 64)
 * @param idleTimeout how long an idle connection is kept; below the keep-alive timeouts common in
 *     backends (5 s in Node.js and Apache httpd), so maitre closes first
 */
public record PoolConfig(int maxIdle, Duration idleTimeout) {

    public static final int DEFAULT_MAX_IDLE = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(4);

    public PoolConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    public static PoolConfig defaults() {
        return new PoolConfig(DEFAULT_MAX_IDLE, DEFAULT_IDLE_TIMEOUT);
    }
}
