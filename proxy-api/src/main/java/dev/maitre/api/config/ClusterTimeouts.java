package dev.maitre.api.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Backend-side timeouts of a cluster.
 *
 * @param connect how long opening a backend connection may take
 * @param response how long the backend may take to start its answer once the request is sent, and
 *     the longest pause between two reads of its answer
 */
public record ClusterTimeouts(Duration connect, Duration response) {

    public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RESPONSE = Duration.ofSeconds(30);

    public ClusterTimeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(response, "response");
    }

    public static ClusterTimeouts defaults() {
        return new ClusterTimeouts(DEFAULT_CONNECT, DEFAULT_RESPONSE);
    }
}
