package dev.maitre.chaos.maitre;

import java.time.Instant;

/**
 * One entry of maitre's {@code GET /api/events}: a transition or ejection, stamped by maitre's
 * wall clock.
 */
public record HealthEvent(long timeMillis, String backend, String kind, String from, String to, String reason) {

    static HealthEvent of(String time, String backend, String kind, String from, String to, String reason) {
        return new HealthEvent(Instant.parse(time).toEpochMilli(), backend, kind, from, to, reason);
    }

    public boolean isTransitionTo(String state) {
        return "TRANSITION".equals(kind) && state.equals(to);
    }
}
