package dev.maitre.engine.http;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.function.Function;

/**
 * The exchange timers of an HTTP/2 connection's streams, watched by the connection's one
 * {@link ConnectionDeadline}: each stream keeps when its own expires, the deadline is set for the
 * earliest, and when it fires the streams whose time has come are told and the deadline is set for
 * the next. A request so adds and removes nothing in the loop's heap of wake-ups.
 */
final class Http2StreamTimers {

    private final ConnectionDeadline deadline;
    /** The earliest stream timer {@link #deadline} is set for; 0 when none is. */
    private long earliest;

    Http2StreamTimers(ConnectionDeadline deadline) {
        this.deadline = deadline;
    }

    /** The deadline is the connection's again (idle): no stream timer is set on it. */
    void forget() {
        earliest = 0;
    }

    /**
     * A stream's exchange waits for at most {@code delayNanos} from {@code nowNanos}: the deadline is
     * moved earlier when that comes first. Returns when the stream's timer expires.
     */
    long arm(long delayNanos, long nowNanos) {
        long at = Math.max(1, nowNanos + delayNanos);
        if (earliest == 0 || at - earliest < 0) {
            earliest = at;
            deadline.set(delayNanos, ConnectionDeadline.Kind.EXCHANGE);
        }
        return at;
    }

    /** The deadline fired at {@code nowNanos}: each stream whose timer expired is told, and the deadline set for the next. */
    void expired(Http2Connection connection, Function<Http2Stream, Http2StreamSide> sides, long nowNanos)
            throws Http2Exception {
        earliest = 0;
        long[] next = {0};
        connection.forEachActiveStream(stream -> {
            Http2StreamSide side = sides.apply(stream);
            long at = side == null ? 0 : side.timerAtNanos();
            if (at != 0 && at - nowNanos <= 0) {
                side.timerExpired();
                at = side.timerAtNanos();
            }
            if (at != 0 && (next[0] == 0 || at - next[0] < 0)) {
                next[0] = at;
            }
            return true;
        });
        if (next[0] != 0 && (earliest == 0 || next[0] - earliest < 0)) {
            earliest = next[0];
            deadline.set(Math.max(0, next[0] - nowNanos), ConnectionDeadline.Kind.EXCHANGE);
        }
    }
}
