package dev.maitre.health;

import dev.maitre.api.HostPort;
import dev.maitre.api.health.HealthState;

/**
 * One backend's health at one moment, for the admin API.
 *
 * @param eligible whether it may get new requests now (panic routing included)
 * @param ejected whether outlier detection has taken it out of rotation
 * @param ejectedUntilMillis when the ejection ends, in milliseconds since the epoch; 0 when not ejected
 * @param consecutiveFailures failed active checks in a row
 * @param consecutiveSuccesses passed active checks in a row
 * @param lastCheck the latest active check, or {@code null} before the first one ends or when the
 *     cluster is not actively checked
 */
public record BackendHealth(
        HostPort address,
        int weight,
        HealthState state,
        boolean eligible,
        boolean ejected,
        long ejectedUntilMillis,
        int consecutiveFailures,
        int consecutiveSuccesses,
        LastCheck lastCheck) {
}
