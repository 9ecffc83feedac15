package dev.maitre.health;

import dev.maitre.api.BackendId;
import dev.maitre.api.health.HealthState;
import java.util.Optional;

/**
 * The rise and fall of one backend: {@code HEALTHY} to {@code UNHEALTHY} after {@code unhealthyThreshold}
 * failed checks in a row, back after {@code healthyThreshold} passed ones in a row, and
 * {@code DRAINING} while an operator says so. Checks go on while draining, so that {@link #enable}
 * returns the backend to the state they show. Pure: no I/O, no clock; not thread-safe, its owner
 * serialises the calls.
 */
final class HealthStateMachine {

    private final BackendId backend;
    private final int unhealthyThreshold;
    private final int healthyThreshold;
    /** What the checks say: HEALTHY or UNHEALTHY. */
    private HealthState checked;
    private boolean draining;
    private int consecutiveFailures;
    private int consecutiveSuccesses;

    HealthStateMachine(BackendId backend, int unhealthyThreshold, int healthyThreshold, HealthState initialState) {
        if (unhealthyThreshold < 1 || healthyThreshold < 1) {
            throw new IllegalArgumentException("thresholds: " + unhealthyThreshold + ", " + healthyThreshold
                    + " (expected: >= 1)");
        }
        if (initialState == HealthState.DRAINING) {
            throw new IllegalArgumentException("initialState: DRAINING (expected: HEALTHY or UNHEALTHY)");
        }
        this.backend = backend;
        this.unhealthyThreshold = unhealthyThreshold;
        this.healthyThreshold = healthyThreshold;
        this.checked = initialState;
    }

    HealthState state() {
        return draining ? HealthState.DRAINING : checked;
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    int consecutiveSuccesses() {
        return consecutiveSuccesses;
    }

    /**
     * Takes over {@code before}'s draining and, with {@code keepVerdict}, what its checks say and its
     * counts; silently, since nothing changed for the backend.
     */
    void continueFrom(HealthStateMachine before, boolean keepVerdict) {
        draining = before.draining;
        if (keepVerdict) {
            checked = before.checked;
            consecutiveFailures = before.consecutiveFailures;
            consecutiveSuccesses = before.consecutiveSuccesses;
        }
    }

    /** A check passed; returns the transition it caused, if any. */
    Optional<HealthEvent> onSuccess(long timeMillis) {
        consecutiveFailures = 0;
        consecutiveSuccesses = saturatingIncrement(consecutiveSuccesses);
        if (checked == HealthState.UNHEALTHY && consecutiveSuccesses >= healthyThreshold) {
            return changeChecked(timeMillis, HealthState.HEALTHY, consecutiveSuccesses
                    + (consecutiveSuccesses == 1 ? " success" : " consecutive successes"));
        }
        return Optional.empty();
    }

    /** A check failed for {@code reason}; returns the transition it caused, if any. */
    Optional<HealthEvent> onFailure(long timeMillis, String reason) {
        consecutiveSuccesses = 0;
        consecutiveFailures = saturatingIncrement(consecutiveFailures);
        if (checked == HealthState.HEALTHY && consecutiveFailures >= unhealthyThreshold) {
            return changeChecked(timeMillis, HealthState.UNHEALTHY, consecutiveFailures
                    + (consecutiveFailures == 1 ? " failure: " : " consecutive failures: ") + reason);
        }
        return Optional.empty();
    }

    /** The operator takes the backend out of rotation; nothing changes when it already is. */
    Optional<HealthEvent> drain(long timeMillis) {
        if (draining) {
            return Optional.empty();
        }
        draining = true;
        return Optional.of(event(timeMillis, checked, HealthState.DRAINING, "drained by admin"));
    }

    /** The operator ends draining; the backend takes the state its checks show. */
    Optional<HealthEvent> enable(long timeMillis) {
        if (!draining) {
            return Optional.empty();
        }
        draining = false;
        return Optional.of(event(timeMillis, HealthState.DRAINING, checked, "enabled by admin"));
    }

    /** While draining, the checks' verdict changes silently and shows when the backend is enabled. */
    private Optional<HealthEvent> changeChecked(long timeMillis, HealthState to, String reason) {
        HealthState from = checked;
        checked = to;
        return draining ? Optional.empty() : Optional.of(event(timeMillis, from, to, reason));
    }

    private HealthEvent event(long timeMillis, HealthState from, HealthState to, String reason) {
        return HealthEvent.transition(timeMillis, backend.cluster(), backend.address(), from, to, reason);
    }

    private static int saturatingIncrement(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }
}
