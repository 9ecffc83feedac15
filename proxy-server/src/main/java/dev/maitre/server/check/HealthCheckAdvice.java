package dev.maitre.server.check;

import dev.maitre.api.config.HealthCheckConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Points out health-check timing outside the ranges maitre's health rules are built on: checks every
 * 10-30 s, 2-3 consecutive results to change state. Such values are valid, only unusual: shorter
 * intervals and lower thresholds make backends flap on one slow answer, longer and higher ones leave
 * a dead backend in rotation for longer.
 */
public final class HealthCheckAdvice {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(30);
    static final int MIN_THRESHOLD = 2;
    static final int MAX_THRESHOLD = 3;

    private HealthCheckAdvice() {
    }

    /**
     * One line per value outside the recommended ranges, such as
     * {@code healthCheck.interval: 5s (recommended: 10s to 30s)}; empty when all are inside.
     */
    public static List<String> of(HealthCheckConfig check) {
        List<String> advice = new ArrayList<>();
        Duration interval = check.interval();
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            advice.add("healthCheck.interval: " + DurationText.of(interval) + " (recommended: "
                    + DurationText.of(MIN_INTERVAL) + " to " + DurationText.of(MAX_INTERVAL) + ")");
        }
        threshold("unhealthyThreshold", check.unhealthyThreshold(), advice);
        threshold("healthyThreshold", check.healthyThreshold(), advice);
        return List.copyOf(advice);
    }

    private static void threshold(String key, int value, List<String> advice) {
        if (value < MIN_THRESHOLD || value > MAX_THRESHOLD) {
            advice.add("healthCheck." + key + ": " + value
                    + " (recommended: " + MIN_THRESHOLD + " to " + MAX_THRESHOLD + ")");
        }
    }
}
