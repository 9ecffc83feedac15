package dev.maitre.chaos.timing;

/**
 * A transition measured against its window: the time from a {@link Moment} to maitre's event, as
 * the bracket allows it to be (shortest: from after the call; longest: from before it).
 *
 * @param what what was measured, such as "detection" or "recovery"
 * @param window the window DESIGN.md §3 gives
 * @param tolerance what the measurement may miss it by
 * @param shortestMillis event time minus the moment's end, or -1 if the event never came
 * @param longestMillis event time minus the moment's start, or -1 if the event never came
 */
public record TimedTransition(String what, Window window, Tolerance tolerance, long shortestMillis,
                              long longestMillis) {

    /** The event at {@code eventMillis} (wall clock), or none ({@code -1}), for a fault at {@code at}. */
    public static TimedTransition measure(String what, Window window, Tolerance tolerance, Moment at,
                                          long eventMillis) {
        if (eventMillis < 0) {
            return new TimedTransition(what, window, tolerance, -1, -1);
        }
        return new TimedTransition(what, window, tolerance, eventMillis - at.afterMillis(),
                eventMillis - at.beforeMillis());
    }

    public boolean happened() {
        return longestMillis >= 0;
    }

    /**
     * Whether the time can lie in the window widened by the tolerance: the true time is somewhere
     * in the bracket, so the bracket must meet the window. Fault calls (Toxiproxy, WireMock) take a
     * few milliseconds, so for them this is as strict as asking the whole bracket to be inside; an
     * admin call's bracket is wider, and the event may be stamped anywhere in it.
     */
    public boolean withinWindow() {
        return happened()
                && longestMillis >= window.fromMillis() - tolerance.earlyMillis()
                && shortestMillis <= window.toMillis() + tolerance.lateMillis();
    }

    /** The measured time as one number: the middle of the bracket. */
    public long measuredMillis() {
        return happened() ? (shortestMillis + longestMillis) / 2 : -1;
    }

    public String describe() {
        if (!happened()) {
            return what + ": no transition (window " + window.describe() + ")";
        }
        return String.format("%s: %.3f s (bracket %d–%d ms), window %s, tolerance %s", what,
                measuredMillis() / 1000.0, shortestMillis, longestMillis, window.describe(), tolerance.describe());
    }
}
