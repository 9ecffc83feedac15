package dev.maitre.health;

import dev.maitre.api.HostPort;
import dev.maitre.api.health.HealthState;
import java.util.Objects;

/**
 * Something that changed whether a backend gets new requests: a state transition, or an ejection by
 * outlier detection and its end.
 *
 * @param timeMillis when it happened, in milliseconds since the epoch
 * @param from the state before; for an ejection or its end, the backend's state at the time
 * @param to the state after; for an ejection or its end, the same as {@code from}
 * @param reason for a transition, its cause ({@code 3 consecutive failures: connection refused},
 *     {@code 2 consecutive successes}, {@code drained by admin}); for an ejection or its end, the
 *     whole change ({@code ejected for 30s: 5 consecutive failed requests, the last: status 503})
 */
public record HealthEvent(
        long timeMillis, String cluster, HostPort backend, Kind kind, HealthState from, HealthState to, String reason) {

    /** What kind of change it was. */
    public enum Kind {
        /** The backend's {@link HealthState} changed. */
        TRANSITION,
        /** Outlier detection took the backend out of rotation for a while. */
        EJECTED,
        /** An ejection ended. */
        RETURNED
    }

    public HealthEvent {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
    }

    static HealthEvent transition(long timeMillis, String cluster, HostPort backend, HealthState from,
                                  HealthState to, String reason) {
        return new HealthEvent(timeMillis, cluster, backend, Kind.TRANSITION, from, to, reason);
    }

    /**
     * The event as the one log line it is written as:
     * {@code backend 10.0.0.11:8080 of cluster api: HEALTHY -> UNHEALTHY (3 consecutive failures: connection refused)}.
     */
    public String describe() {
        String subject = "backend " + backend + " of cluster " + cluster + ": ";
        return kind == Kind.TRANSITION ? subject + from + " -> " + to + " (" + reason + ")" : subject + reason;
    }

    @Override
    public String toString() {
        return describe();
    }
}
