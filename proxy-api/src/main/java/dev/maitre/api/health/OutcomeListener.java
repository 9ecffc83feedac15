package dev.maitre.api.health;

/**
 * Told the outcome of every proxied request. Called on event-loop threads: implementations return
 * quickly and never block.
 */
@FunctionalInterface
public interface OutcomeListener {

    void onOutcome(Outcome outcome);

    /** Ignores every outcome. */
    OutcomeListener NOOP = outcome -> { };

    /** Calls {@code this}, then {@code other}. */
    default OutcomeListener andThen(OutcomeListener other) {
        return outcome -> {
            onOutcome(outcome);
            other.onOutcome(outcome);
        };
    }
}
