package dev.maitre.engine.pool;

import java.time.Duration;

/**
 * How an HTTP/2 backend connection with streams open is found dead: after {@code pingAfter} without a
 * byte from the backend it is sent a {@code PING}, and it is closed when no acknowledgement came
 * within {@code pingTimeout}. A peer that vanished without a FIN or RST (a crashed host, a dropped
 * route) is noticed so, instead of holding its streams until their response timeout.
 */
public record Http2Liveness(Duration pingAfter, Duration pingTimeout) {

    /** What an engine uses: 10 s of silence, 5 s for the answer. */
    public static final Http2Liveness DEFAULT = new Http2Liveness(Duration.ofSeconds(10), Duration.ofSeconds(5));

    public Http2Liveness {
        if (pingAfter.isNegative() || pingAfter.isZero()) {
            throw new IllegalArgumentException("pingAfter: " + pingAfter + " (expected: > 0)");
        }
        if (pingTimeout.isNegative() || pingTimeout.isZero()) {
            throw new IllegalArgumentException("pingTimeout: " + pingTimeout + " (expected: > 0)");
        }
    }
}
