package dev.maitre.health;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.check.CheckResult;
import java.util.Optional;

/**
 * Everything known about one backend's health. The state machine and the last check change under the
 * backend's lock (check results and admin commands come from different threads); the state is
 * published for lock-free reads when the cluster's eligible list is rebuilt.
 */
final class TrackedBackend {

    private final Endpoint endpoint;
    private final HealthStateMachine machine;
    private final EjectionState ejection = new EjectionState();
    private LastCheck lastCheck;
    private volatile HealthState state;

    TrackedBackend(Endpoint endpoint, HealthStateMachine machine) {
        this.endpoint = endpoint;
        this.machine = machine;
        this.state = machine.state();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    BackendId id() {
        return endpoint.id();
    }

    HostPort address() {
        return endpoint.address();
    }

    HealthState state() {
        return state;
    }

    EjectionState ejection() {
        return ejection;
    }

    /**
     * Takes over the draining, and with {@code keepVerdict} the checks' verdict, counts and last check,
     * of {@code before}: the same backend in the monitor being replaced. Called before this backend is
     * shared, so the two locks are never taken the other way round.
     */
    synchronized void continueFrom(TrackedBackend before, boolean keepVerdict) {
        synchronized (before) {
            machine.continueFrom(before.machine, keepVerdict);
            if (keepVerdict) {
                lastCheck = before.lastCheck;
            }
        }
        state = machine.state();
    }

    synchronized Optional<HealthEvent> recordCheck(CheckResult result, long timeMillis) {
        lastCheck = new LastCheck(timeMillis, result.ok(), result.reason(),
                Math.round(result.latencyNanos() / 1_000.0) / 1_000.0);
        Optional<HealthEvent> event = result.ok()
                ? machine.onSuccess(timeMillis)
                : machine.onFailure(timeMillis, result.reason());
        state = machine.state();
        return event;
    }

    synchronized Optional<HealthEvent> drain(long timeMillis) {
        Optional<HealthEvent> event = machine.drain(timeMillis);
        state = machine.state();
        return event;
    }

    synchronized Optional<HealthEvent> enable(long timeMillis) {
        Optional<HealthEvent> event = machine.enable(timeMillis);
        state = machine.state();
        return event;
    }

    synchronized BackendHealth snapshot(boolean eligible) {
        boolean ejected = ejection.ejected;
        return new BackendHealth(endpoint.address(), endpoint.weight(), state, eligible, ejected,
                ejected ? ejection.untilMillis : 0, machine.consecutiveFailures(), machine.consecutiveSuccesses(),
                lastCheck);
    }
}
