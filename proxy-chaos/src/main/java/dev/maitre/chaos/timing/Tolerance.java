package dev.maitre.chaos.timing;

/**
 * How far outside a DESIGN window a measured time may fall and still count as inside, and why.
 *
 * <ul>
 *   <li>Early ({@value #EARLY_MILLIS} ms): both clocks are the same wall clock in milliseconds; the
 *       check that first sees a fault may have started a round trip (a few ms on loopback) before
 *       the fault struck. Nothing else can make a transition early.</li>
 *   <li>Late ({@value #LATE_BASE_MILLIS} ms plus {@value #LATE_PER_CHECK_MILLIS} ms per check in
 *       the window): each check starts on a timer of maitre's health thread; on a loaded machine
 *       (two cores, several scenarios and other builds at once, GC pauses) a timer can fire late,
 *       and as each wait is counted from the previous start, the delays of the F (or R) checks add
 *       up. The base covers reading the event and the fault call's own latency.</li>
 * </ul>
 */
public record Tolerance(long earlyMillis, long lateMillis) {

    static final long EARLY_MILLIS = 50;
    static final long LATE_BASE_MILLIS = 250;
    static final long LATE_PER_CHECK_MILLIS = 100;

    /** For a window that spans {@code checks} checks. */
    public static Tolerance forChecks(int checks) {
        return new Tolerance(EARLY_MILLIS, LATE_BASE_MILLIS + LATE_PER_CHECK_MILLIS * checks);
    }

    public String describe() {
        return "−" + earlyMillis + "/+" + lateMillis + " ms";
    }
}
