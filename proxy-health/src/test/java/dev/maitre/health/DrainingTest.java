package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An operator takes a backend out of rotation and puts it back. */
class DrainingTest {

    private final List<HostPort> backends = Configs.addresses(2);
    private final HostPort drained = backends.get(0);
    private final HostPort other = backends.get(1);

    @Test
    void aDrainingBackendGetsNoNewRequestsButIsStillChecked() {
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)))) {
            fixture.advance(Duration.ofSeconds(1));

            assertThat(fixture.monitor.drain("api", drained)).isTrue();

            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(other);
            assertThat(fixture.state(drained)).isEqualTo(HealthState.DRAINING);
            int probes = fixture.backends.probes(drained).size();
            fixture.advance(Duration.ofSeconds(30));
            assertThat(fixture.backends.probes(drained)).hasSize(probes + 3);
            assertThat(fixture.state(drained)).isEqualTo(HealthState.DRAINING);
        }
    }

    @Test
    void enablingReturnsTheBackendToTheStateItsChecksShow() {
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)))) {
            fixture.monitor.drain("api", drained);
            fixture.backends.set(drained, Behaviour.REFUSING);
            fixture.advance(Duration.ofSeconds(31));
            assertThat(fixture.state(drained)).as("failing checks do not end draining").isEqualTo(HealthState.DRAINING);

            assertThat(fixture.monitor.enable("api", drained)).isTrue();

            assertThat(fixture.state(drained)).isEqualTo(HealthState.UNHEALTHY);
            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(other);
            assertThat(fixture.transitions()).extracting(HealthEvent::describe).containsExactly(
                    "backend 10.0.0.11:8080 of cluster api: HEALTHY -> DRAINING (drained by admin)",
                    "backend 10.0.0.11:8080 of cluster api: DRAINING -> UNHEALTHY (enabled by admin)");

            fixture.backends.set(drained, Behaviour.UP);
            fixture.advance(Duration.ofSeconds(20));
            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(drained, other);
        }
    }

    @Test
    void drainingWorksInAClusterWithoutHealthChecks() {
        try (HealthFixture fixture = HealthFixture.start(Configs.proxy(Configs.cluster("api", null, null, 0, backends)))) {
            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(drained, other);

            fixture.monitor.drain("api", drained);
            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(other);

            fixture.monitor.enable("api", drained);
            assertThat(addresses(fixture.monitor.eligible("api"))).containsExactly(drained, other);
            assertThat(fixture.backends.probes(drained)).isEmpty();
        }
    }

    @Test
    void anUnknownBackendOrClusterIsNotFound() {
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)))) {
            assertThat(fixture.monitor.drain("api", new HostPort("10.9.9.9", 8080))).isFalse();
            assertThat(fixture.monitor.drain("web", drained)).isFalse();
            assertThat(fixture.monitor.enable("web", drained)).isFalse();
            assertThat(fixture.events).isEmpty();
        }
    }

    private static List<HostPort> addresses(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::address).toList();
    }
}
