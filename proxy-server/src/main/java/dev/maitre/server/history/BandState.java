package dev.maitre.server.history;

import dev.maitre.health.BackendHealth;

/** What a backend's health band shows at one sample: its state, or that outlier detection ejected it. */
enum BandState {
    HEALTHY, UNHEALTHY, DRAINING, EJECTED;

    /** An ejection shows only while the backend is otherwise healthy: unhealthy or draining says more. */
    static BandState of(BackendHealth backend) {
        return switch (backend.state()) {
            case HEALTHY -> backend.ejected() ? EJECTED : HEALTHY;
            case UNHEALTHY -> UNHEALTHY;
            case DRAINING -> DRAINING;
        };
    }
}
