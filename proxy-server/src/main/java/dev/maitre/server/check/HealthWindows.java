package dev.maitre.server.check;

import dev.maitre.api.config.HealthCheckConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * When maitre notices that a backend died or came back, given its cluster's check timing: each
 * window runs from the earliest to the latest moment, counted from the failure or the recovery.
 *
 * <p>With interval I, jitter J, timeout T, unhealthy threshold F and healthy threshold R, a wait
 * between two checks lasts between I·(1−J) and I·(1+J). A refused or reset check fails at once, so
 * the F-th failure comes after F−1 to F waits; a black-holed check fails only after T; recovery
 * needs R successes, after R−1 to R waits (plus the round trip of the last check, not counted here).
 *
 * @param refused the backend refuses or resets connections: {@code [(F−1)·I·(1−J), F·I·(1+J)]}
 * @param blackHole the backend swallows connections: {@code [(F−1)·I·(1−J) + T, F·I·(1+J) + T]}
 * @param recovery the backend answers again: {@code [(R−1)·I·(1−J), R·I·(1+J)]}
 */
public record HealthWindows(Window refused, Window blackHole, Window recovery) {

    public HealthWindows {
        Objects.requireNonNull(refused, "refused");
        Objects.requireNonNull(blackHole, "blackHole");
        Objects.requireNonNull(recovery, "recovery");
    }

    /** The windows of a cluster checked as {@code check} says. */
    public static HealthWindows of(HealthCheckConfig check) {
        double intervalMillis = check.interval().toMillis();
        double shortestWait = intervalMillis * (1 - check.jitter());
        double longestWait = intervalMillis * (1 + check.jitter());
        int down = check.unhealthyThreshold();
        int up = check.healthyThreshold();
        Window refused = Window.ofMillis((down - 1) * shortestWait, down * longestWait);
        return new HealthWindows(
                refused,
                refused.plus(check.timeout()),
                Window.ofMillis((up - 1) * shortestWait, up * longestWait));
    }

    /** From {@code earliest} to {@code latest}, written in seconds as {@code 18-33 s}. */
    public record Window(Duration earliest, Duration latest) {

        public Window {
            Objects.requireNonNull(earliest, "earliest");
            Objects.requireNonNull(latest, "latest");
            if (latest.compareTo(earliest) < 0) {
                throw new IllegalArgumentException(
                        "latest: " + latest + " (expected: >= earliest " + earliest + ")");
            }
        }

        static Window ofMillis(double earliest, double latest) {
            return new Window(Duration.ofMillis(Math.round(earliest)), Duration.ofMillis(Math.round(latest)));
        }

        Window plus(Duration duration) {
            return new Window(earliest.plus(duration), latest.plus(duration));
        }

        @Override
        public String toString() {
            return seconds(earliest) + "-" + seconds(latest) + " s";
        }

        private static String seconds(Duration duration) {
            return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
        }
    }
}
