package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With {@code panicThreshold}, too few healthy backends send traffic to all of them instead of a few. */
class PanicRoutingTest {

    private final List<HostPort> backends = Configs.addresses(4);

    @Test
    void underTheThresholdTrafficGoesToEveryBackendThatIsNotDraining() {
        try (HealthFixture fixture = start(0.5)) {
            kill(fixture, backends.get(0), backends.get(1));
            assertThat(eligible(fixture)).as("2 of 4 healthy is not under 50%")
                    .containsExactly(backends.get(2), backends.get(3));
            assertThat(fixture.monitor.cluster("api").orElseThrow().panic()).isFalse();

            kill(fixture, backends.get(2));

            assertThat(eligible(fixture)).containsExactlyElementsOf(backends);
            assertThat(fixture.monitor.cluster("api").orElseThrow().panic()).isTrue();
            assertThat(fixture.monitor.cluster("api").orElseThrow().backends())
                    .allSatisfy(backend -> assertThat(backend.eligible()).isTrue());
        }
    }

    @Test
    void panicEndsWhenEnoughBackendsAreHealthyAgain() {
        try (HealthFixture fixture = start(0.5)) {
            kill(fixture, backends.get(0), backends.get(1), backends.get(2));
            fixture.backends.set(backends.get(2), Behaviour.UP);
            fixture.advance(Duration.ofSeconds(20));

            assertThat(eligible(fixture)).containsExactly(backends.get(2), backends.get(3));
            assertThat(fixture.monitor.cluster("api").orElseThrow().panic()).isFalse();
        }
    }

    @Test
    void drainingBackendsAreNeverChosenAndDoNotCountTowardsTheShare() {
        try (HealthFixture fixture = start(0.5)) {
            fixture.monitor.drain("api", backends.get(0));
            fixture.monitor.drain("api", backends.get(1));
            kill(fixture, backends.get(2));
            assertThat(eligible(fixture)).as("1 of the 2 not draining is healthy: 50%").containsExactly(backends.get(3));

            kill(fixture, backends.get(3));

            assertThat(eligible(fixture)).containsExactly(backends.get(2), backends.get(3));
        }
    }

    @Test
    void withoutAThresholdNoBackendIsEligibleWhenAllAreUnhealthy() {
        try (HealthFixture fixture = start(0)) {
            kill(fixture, backends.toArray(HostPort[]::new));

            assertThat(fixture.monitor.eligible("api")).isEmpty();
            assertThat(fixture.monitor.cluster("api").orElseThrow().panic()).isFalse();
        }
    }

    private HealthFixture start(double panicThreshold) {
        return HealthFixture.start(Configs.proxy(
                Configs.cluster("api", Configs.httpCheck(), null, panicThreshold, backends)));
    }

    /** Makes the backends refuse connections and runs until their checks have said so. */
    private static void kill(HealthFixture fixture, HostPort... dead) {
        for (HostPort backend : dead) {
            fixture.backends.set(backend, Behaviour.REFUSING);
        }
        fixture.advance(Duration.ofSeconds(30));
    }

    private static List<HostPort> eligible(HealthFixture fixture) {
        return fixture.monitor.eligible("api").stream().map(Endpoint::address).toList();
    }
}
