package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A monitor built for a reloaded configuration goes on from what the old one knew. */
class ReloadInheritanceTest {

    private final List<HostPort> backends = Configs.addresses(3);
    private final HostPort dead = backends.get(0);
    private final HostPort drained = backends.get(1);
    private final HostPort added = new HostPort("10.0.0.99", 8080);

    @Test
    void backendsKeepTheirStateDrainingAndLastCheckAcrossAReload() {
        try (HealthFixture old = HealthFixture.start(config(backends))) {
            old.backends.set(dead, Behaviour.REFUSING);
            old.monitor.drain("api", drained);
            old.advance(Duration.ofSeconds(25));
            assertThat(old.state(dead)).isEqualTo(HealthState.UNHEALTHY);
            BackendHealth deadBefore = old.backendHealth(dead);

            List<HostPort> reloaded = List.of(dead, drained, added);
            try (HealthFixture fresh = new HealthFixture(config(reloaded), b -> b.inheritFrom(old.monitor))) {
                assertThat(fresh.backendHealth(dead)).isEqualTo(deadBefore);
                assertThat(fresh.state(drained)).isEqualTo(HealthState.DRAINING);
                assertThat(fresh.state(added)).isEqualTo(HealthState.HEALTHY);
                assertThat(fresh.monitor.eligible("api")).extracting(Endpoint::address).containsExactly(added);
                assertThat(fresh.monitor.events()).isEqualTo(old.monitor.events());
                assertThat(fresh.monitor.cluster("api").orElseThrow().backends())
                        .extracting(BackendHealth::address).containsExactlyElementsOf(reloaded);
            }
        }
    }

    @Test
    void whenChecksAreRemovedOnlyDrainingIsKept() {
        try (HealthFixture old = HealthFixture.start(config(backends))) {
            old.backends.set(dead, Behaviour.REFUSING);
            old.monitor.drain("api", drained);
            old.advance(Duration.ofSeconds(25));

            ProxyConfig unchecked = Configs.proxy(Configs.cluster("api", null, null, 0, backends));
            try (HealthFixture fresh = new HealthFixture(unchecked, b -> b.inheritFrom(old.monitor))) {
                assertThat(fresh.state(dead)).isEqualTo(HealthState.HEALTHY);
                assertThat(fresh.backendHealth(dead).lastCheck()).isNull();
                assertThat(fresh.state(drained)).isEqualTo(HealthState.DRAINING);
            }
        }
    }

    private static ProxyConfig config(List<HostPort> backends) {
        return Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends));
    }
}
