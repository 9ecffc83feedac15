package dev.maitre.health.check;

import java.util.Objects;

/**
 * How one active check of a backend ended.
 *
 * @param ok whether the backend passed
 * @param reason what was seen, in a few words: {@code status 200}, {@code connected},
 *     {@code connection refused}, {@code timeout after 2s}, {@code status 500}
 * @param latencyNanos from the start of the check to its result
 */
public record CheckResult(boolean ok, String reason, long latencyNanos) {

    public CheckResult {
        Objects.requireNonNull(reason, "reason");
    }

    public static CheckResult passed(String reason, long latencyNanos) {
        return new CheckResult(true, reason, latencyNanos);
    }

    public static CheckResult failed(String reason, long latencyNanos) {
        return new CheckResult(false, reason, latencyNanos);
    }
}
