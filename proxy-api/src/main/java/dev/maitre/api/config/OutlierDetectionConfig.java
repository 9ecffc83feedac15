package dev.maitre.api.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive ejection of backends that fail real requests.
 *
 * @param consecutiveFailures failures in a row (connect failures, resets, 5xx) that eject a backend
 * @param ejectionTime the base ejection time, multiplied by the number of times it was ejected
 * @param maxEjectionPercent the largest share of a cluster (0-100) ejected at once
 */
public record OutlierDetectionConfig(int consecutiveFailures, Duration ejectionTime, int maxEjectionPercent) {

    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    public static final Duration DEFAULT_EJECTION_TIME = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

    public OutlierDetectionConfig {
        Objects.requireNonNull(ejectionTime, "ejectionTime");
    }

    public static OutlierDetectionConfig defaults() {
        return new OutlierDetectionConfig(DEFAULT_CONSECUTIVE_FAILURES, DEFAULT_EJECTION_TIME,
                DEFAULT_MAX_EJECTION_PERCENT);
    }
}
