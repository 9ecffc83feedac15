package dev.maitre.chaos.timing;

/**
 * When something the suite did took effect, bracketed by the wall clock read just before and just
 * after the call that did it (a Toxiproxy API call, a WireMock stop). maitre stamps its health
 * events with the same wall clock ({@code System.currentTimeMillis()} on the same host), so times
 * measured against its events are exact to the bracket and a millisecond.
 *
 * @param beforeMillis wall clock before the call
 * @param afterMillis wall clock after it returned
 */
public record Moment(long beforeMillis, long afterMillis) {

    /** Runs {@code action} and returns when it took effect. */
    public static Moment of(Action action) {
        long before = System.currentTimeMillis();
        try {
            action.run();
        } catch (Exception e) {
            throw new IllegalStateException("fault action failed: " + e, e);
        }
        return new Moment(before, System.currentTimeMillis());
    }

    /** An action that may throw, such as a Toxiproxy API call. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }
}
