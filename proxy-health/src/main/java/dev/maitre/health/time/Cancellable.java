package dev.maitre.health.time;

/** A scheduled task that may still be called off. */
@FunctionalInterface
public interface Cancellable {

    /** Makes sure the task will not run, if it has not started yet; does nothing otherwise. */
    void cancel();
}
