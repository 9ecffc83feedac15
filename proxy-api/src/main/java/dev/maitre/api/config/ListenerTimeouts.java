package dev.maitre.api.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side timeouts of a listener.
 *
 * @param requestHeader how long a client may take to send a complete request head, counted from its
 *     first byte (a slowloris client is cut off after it)
 * @param idle how long a keep-alive connection may sit between requests
 */
public record ListenerTimeouts(Duration requestHeader, Duration idle) {

    public static final Duration DEFAULT_REQUEST_HEADER = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);

    public ListenerTimeouts {
        Objects.requireNonNull(requestHeader, "requestHeader");
        Objects.requireNonNull(idle, "idle");
    }

    public static ListenerTimeouts defaults() {
        return new ListenerTimeouts(DEFAULT_REQUEST_HEADER, DEFAULT_IDLE);
    }
}
