package dev.maitre.api.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Client-side timeouts of a listener.
 *
 * @param requestHeader how long a client may take to send a complete request head, counted from its
 *     first byte (a slowloris client is cut off after it)
 * @param idle how long a keep-alive connection may sit between requests
 * @param client how long an exchange may wait on its client without progress: for request-body
 *     bytes, or for the client to take response bytes (408 if nothing was answered yet, else close)
 * @param tunnelIdle the idle timeout of an upgraded connection (a tunnel, such as a WebSocket); once a
 *     connection is upgraded it applies instead of the three above
 */
public record ListenerTimeouts(Duration requestHeader, Duration idle, Duration client, Duration tunnelIdle) {

    public static final Duration DEFAULT_REQUEST_HEADER = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CLIENT = Duration.ofSeconds(60);
    /** As Envoy's idle timeout of upgraded connections. */
    public static final Duration DEFAULT_TUNNEL_IDLE = Duration.ofHours(1);

    public ListenerTimeouts {
        Objects.requireNonNull(requestHeader, "requestHeader");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(tunnelIdle, "tunnelIdle");
    }

    /** With the default tunnel idle timeout. */
    public ListenerTimeouts(Duration requestHeader, Duration idle, Duration client) {
        this(requestHeader, idle, client, DEFAULT_TUNNEL_IDLE);
    }

    /** With the default client and tunnel idle timeouts. */
    public ListenerTimeouts(Duration requestHeader, Duration idle) {
        this(requestHeader, idle, DEFAULT_CLIENT);
    }

    public static ListenerTimeouts defaults() {
        return new ListenerTimeouts(DEFAULT_REQUEST_HEADER, DEFAULT_IDLE, DEFAULT_CLIENT, DEFAULT_TUNNEL_IDLE);
    }
}
