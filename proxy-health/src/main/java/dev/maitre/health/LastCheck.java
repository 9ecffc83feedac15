package dev.maitre.health;

/**
 * The latest active check of a backend, as shown by the admin API.
 *
 * @param timeMillis when its result was known, in milliseconds since the epoch
 * @param ok whether the backend passed
 * @param reason what was seen: {@code status 200}, {@code connection refused}, {@code timeout after 2s}
 * @param latencyMillis how long the check took
 */
public record LastCheck(long timeMillis, boolean ok, String reason, double latencyMillis) {
}
