package dev.maitre.chaos.timing;

import java.time.Duration;

/**
 * The health-check settings of one cluster under test, and the windows DESIGN.md §3 derives from
 * them: when a fault must be detected and a repair noticed.
 *
 * @param interval I, time between the starts of two checks
 * @param timeout T, how long a check may take
 * @param unhealthyThreshold F, failed checks in a row that take a backend out
 * @param healthyThreshold R, passed checks in a row that bring it back
 * @param jitterPercent J, each wait is I·(1±J)
 */
public record HealthRules(Duration interval, Duration timeout, int unhealthyThreshold, int healthyThreshold,
                          int jitterPercent) {

    public HealthRules {
        if (timeout.compareTo(interval) >= 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: < interval " + interval + ")");
        }
    }

    /** The default profile: the rules' shape (thresholds 3 and 2, jitter 10%) on a one-second interval. */
    public static HealthRules quick() {
        return new HealthRules(Duration.ofSeconds(1), Duration.ofMillis(500), 3, 2, 10);
    }

    /** The rules maitre ships with for a given interval and threshold (both thresholds the same), timeout 2 s. */
    public static HealthRules release(Duration interval, int threshold) {
        return new HealthRules(interval, Duration.ofSeconds(2), threshold, threshold, 10);
    }

    /** A backend that refuses or resets connections: every check fails at once. */
    public Window refusedWindow() {
        return new Window((unhealthyThreshold - 1) * shortWait(), unhealthyThreshold * longWait());
    }

    /** A backend that accepts but never answers: the F-th failing check fails only at its timeout. */
    public Window blackHoleWindow() {
        long t = timeout.toMillis();
        return new Window((unhealthyThreshold - 1) * shortWait() + t, unhealthyThreshold * longWait() + t);
    }

    /**
     * Back in rotation after the fault is repaired: R passed checks, plus one check's round trip.
     * When the fault only delayed bytes (a black hole, latency), a check that started before the
     * repair may pass as soon as the held bytes are released, up to T before a check started after
     * the repair could; the lower bound moves by T.
     */
    public Window recoveryWindow(boolean checkInFlightMayPass) {
        long early = checkInFlightMayPass ? timeout.toMillis() : 0;
        return new Window(Math.max(0, (healthyThreshold - 1) * shortWait() - early),
                healthyThreshold * longWait() + ROUND_TRIP_MILLIS);
    }

    /** A check's round trip on loopback through Toxiproxy: a few milliseconds, rounded up generously. */
    static final long ROUND_TRIP_MILLIS = 50;

    /** I·(1−J) in milliseconds. */
    public long shortWait() {
        return interval.toMillis() * (100 - jitterPercent) / 100;
    }

    /** I·(1+J) in milliseconds. */
    public long longWait() {
        return interval.toMillis() * (100 + jitterPercent) / 100;
    }

    /** As written in the configuration file. */
    public String yaml() {
        return "{ protocol: http, path: /healthz, interval: " + interval.toMillis() + "ms, timeout: "
                + timeout.toMillis() + "ms, unhealthyThreshold: " + unhealthyThreshold + ", healthyThreshold: "
                + healthyThreshold + ", jitter: " + jitterPercent + "% }";
    }

    /** One line for the report. */
    public String describe() {
        return "I " + seconds(interval) + ", T " + seconds(timeout) + ", F " + unhealthyThreshold + ", R "
                + healthyThreshold + ", J " + jitterPercent + "%";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
