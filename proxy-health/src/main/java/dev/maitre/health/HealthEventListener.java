package dev.maitre.health;

/**
 * Told every {@link HealthEvent}, for metrics. Called on the thread that caused the change (the health
 * checks' thread, an admin request's, or, for ejections, a data-plane event loop): implementations
 * return quickly and never block.
 */
@FunctionalInterface
public interface HealthEventListener {

    void onEvent(HealthEvent event);
}
