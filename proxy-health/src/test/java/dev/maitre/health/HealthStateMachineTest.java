package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.health.HealthState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthStateMachineTest {

    private static final BackendId BACKEND = new BackendId("api", new HostPort("10.0.0.11", 8080));

    private final HealthStateMachine machine = new HealthStateMachine(BACKEND, 3, 2, HealthState.HEALTHY);

    @Test
    void exactlyUnhealthyThresholdFailuresInARowMakeItUnhealthy() {
        assertThat(machine.onFailure(1, "connection refused")).isEmpty();
        assertThat(machine.onFailure(2, "connection refused")).isEmpty();
        assertThat(machine.state()).isEqualTo(HealthState.HEALTHY);

        Optional<HealthEvent> event = machine.onFailure(3, "connection refused");

        assertThat(event).contains(HealthEvent.transition(3, "api", BACKEND.address(), HealthState.HEALTHY,
                HealthState.UNHEALTHY, "3 consecutive failures: connection refused"));
        assertThat(machine.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(machine.onFailure(4, "connection refused")).as("no second transition").isEmpty();
    }

    @Test
    void exactlyHealthyThresholdSuccessesInARowMakeItHealthyAgain() {
        failTimes(3);
        assertThat(machine.onSuccess(10)).isEmpty();

        Optional<HealthEvent> event = machine.onSuccess(11);

        assertThat(event).hasValueSatisfying(e -> {
            assertThat(e.from()).isEqualTo(HealthState.UNHEALTHY);
            assertThat(e.to()).isEqualTo(HealthState.HEALTHY);
            assertThat(e.reason()).isEqualTo("2 consecutive successes");
            assertThat(e.timeMillis()).isEqualTo(11);
        });
        assertThat(machine.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        failTimes(2);
        machine.onSuccess(0);
        failTimes(2);

        assertThat(machine.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(machine.consecutiveFailures()).isEqualTo(2);
        assertThat(machine.consecutiveSuccesses()).isZero();
    }

    @Test
    void aFailureResetsTheSuccessCount() {
        failTimes(3);
        machine.onSuccess(0);
        machine.onFailure(0, "status 500");
        machine.onSuccess(0);

        assertThat(machine.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(machine.consecutiveSuccesses()).isEqualTo(1);
    }

    @Test
    void alternatingFailureAndSuccessNeverChangesTheState() {
        HealthStateMachine healthy = new HealthStateMachine(BACKEND, 2, 2, HealthState.HEALTHY);
        HealthStateMachine unhealthy = new HealthStateMachine(BACKEND, 2, 2, HealthState.UNHEALTHY);
        for (int i = 0; i < 1000; i++) {
            assertThat(healthy.onFailure(i, "status 500")).isEmpty();
            assertThat(healthy.onSuccess(i)).isEmpty();
            assertThat(unhealthy.onSuccess(i)).isEmpty();
            assertThat(unhealthy.onFailure(i, "status 500")).isEmpty();
        }
        assertThat(healthy.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(unhealthy.state()).isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void startsInTheConfiguredInitialState() {
        HealthStateMachine unhealthy = new HealthStateMachine(BACKEND, 3, 2, HealthState.UNHEALTHY);
        assertThat(unhealthy.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(unhealthy.onSuccess(0)).isEmpty();
        assertThat(unhealthy.onSuccess(1)).map(HealthEvent::to).contains(HealthState.HEALTHY);
    }

    @Test
    void aThresholdOfOneActsOnTheFirstResult() {
        HealthStateMachine quick = new HealthStateMachine(BACKEND, 1, 1, HealthState.HEALTHY);
        assertThat(quick.onFailure(0, "timeout after 2s")).map(HealthEvent::reason)
                .contains("1 failure: timeout after 2s");
        assertThat(quick.onSuccess(1)).map(HealthEvent::reason).contains("1 success");
    }

    @Test
    void drainingHidesTheChecksVerdictUntilEnabled() {
        assertThat(machine.drain(1)).hasValueSatisfying(e -> {
            assertThat(e.from()).isEqualTo(HealthState.HEALTHY);
            assertThat(e.to()).isEqualTo(HealthState.DRAINING);
            assertThat(e.reason()).isEqualTo("drained by admin");
        });
        assertThat(machine.drain(2)).as("draining again changes nothing").isEmpty();

        for (int i = 0; i < 3; i++) {
            assertThat(machine.onFailure(3 + i, "connection refused")).as("checks go on, silently").isEmpty();
        }
        assertThat(machine.state()).isEqualTo(HealthState.DRAINING);

        assertThat(machine.enable(10)).hasValueSatisfying(e -> {
            assertThat(e.from()).isEqualTo(HealthState.DRAINING);
            assertThat(e.to()).isEqualTo(HealthState.UNHEALTHY);
            assertThat(e.reason()).isEqualTo("enabled by admin");
        });
        assertThat(machine.enable(11)).as("enabling a backend that is not draining changes nothing").isEmpty();
    }

    @Test
    void aBackendCannotStartDraining() {
        assertThatThrownBy(() -> new HealthStateMachine(BACKEND, 3, 2, HealthState.DRAINING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialState: DRAINING");
    }

    @Test
    void theEventReadsAsOneLogLine() {
        HealthEvent event = failTimes(3);
        assertThat(event.describe()).isEqualTo(
                "backend 10.0.0.11:8080 of cluster api: HEALTHY -> UNHEALTHY (3 consecutive failures: connection refused)");
    }

    private HealthEvent failTimes(int times) {
        HealthEvent last = null;
        for (int i = 0; i < times; i++) {
            last = machine.onFailure(i, "connection refused").orElse(null);
        }
        return last;
    }
}
