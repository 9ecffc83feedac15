package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.health.time.VirtualScheduler;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the data plane, the admin API and operators see of the monitor. */
class HealthMonitorTest {

    private final List<HostPort> backends = Configs.addresses(2);
    private final HostPort first = backends.get(0);

    @Test
    void theEligibleListIsOneImmutableListUntilSomethingChanges() {
        try (HealthFixture fixture = start()) {
            List<Endpoint> eligible = fixture.monitor.eligible("api");
            fixture.advance(Duration.ofMinutes(5));

            assertThat(fixture.monitor.eligible("api")).isSameAs(eligible);
            assertThat(eligible).containsExactly(new Endpoint(new BackendId("api", first), 1),
                    new Endpoint(new BackendId("api", backends.get(1)), 1));
            assertThatThrownBy(() -> eligible.remove(0)).isInstanceOf(UnsupportedOperationException.class);

            fixture.monitor.drain("api", first);

            assertThat(fixture.monitor.eligible("api")).isNotSameAs(eligible).hasSize(1);
            assertThat(eligible).as("a published list never changes").hasSize(2);
        }
    }

    @Test
    void anUnknownClusterHasNoEligibleBackend() {
        try (HealthFixture fixture = start()) {
            assertThat(fixture.monitor.eligible("nope")).isEmpty();
            assertThat(fixture.monitor.cluster("nope")).isEmpty();
        }
    }

    @Test
    void theSnapshotShowsStateCountsAndTheLastCheck() {
        try (HealthFixture fixture = start()) {
            fixture.backends.set(first, Behaviour.BLACK_HOLE);
            fixture.advance(Duration.ofSeconds(12));

            ClusterHealth cluster = fixture.monitor.cluster("api").orElseThrow();
            assertThat(cluster.name()).isEqualTo("api");
            assertThat(cluster.activelyChecked()).isTrue();
            BackendHealth health = cluster.backends().get(0);
            assertThat(health.address()).isEqualTo(first);
            assertThat(health.weight()).isEqualTo(1);
            assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
            assertThat(health.eligible()).isTrue();
            assertThat(health.consecutiveFailures()).isEqualTo(2);
            assertThat(health.consecutiveSuccesses()).isZero();
            assertThat(health.lastCheck()).isEqualTo(new LastCheck(VirtualScheduler.EPOCH_MILLIS + 12_000, false,
                    "timeout after 2s", 2000.0));
            assertThat(cluster.backends().get(1).lastCheck()).isEqualTo(new LastCheck(
                    VirtualScheduler.EPOCH_MILLIS + 5_001, true, "status 200", 1.0));
            assertThat(fixture.monitor.snapshot()).containsExactly(cluster);
        }
    }

    @Test
    void aBackendNotYetCheckedHasNoLastCheck() {
        try (HealthFixture fixture = start()) {
            assertThat(fixture.backendHealth(backends.get(1)).lastCheck()).isNull();
        }
    }

    @Test
    void theEventLogKeepsTheMostRecentEventsNewestLast() {
        HealthFixture fixture = new HealthFixture(Configs.proxy(
                Configs.cluster("api", Configs.httpCheck(), null, 0, backends)), b -> b.eventLogSize(3));
        try (fixture) {
            for (int i = 0; i < 5; i++) {
                fixture.monitor.drain("api", first);
                fixture.advance(Duration.ofMillis(1));
                fixture.monitor.enable("api", first);
            }

            assertThat(fixture.monitor.events()).hasSize(3).extracting(HealthEvent::to)
                    .containsExactly(HealthState.HEALTHY, HealthState.DRAINING, HealthState.HEALTHY);
            assertThat(fixture.monitor.events()).extracting(HealthEvent::timeMillis)
                    .containsExactly(VirtualScheduler.EPOCH_MILLIS + 4, VirtualScheduler.EPOCH_MILLIS + 4,
                            VirtualScheduler.EPOCH_MILLIS + 5);
        }
    }

    @Test
    void everyTransitionIsLoggedAsOneLine() {
        Logger logger = (Logger) LoggerFactory.getLogger(HealthMonitor.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        try (HealthFixture fixture = start()) {
            fixture.backends.set(first, Behaviour.REFUSING);
            fixture.advance(Duration.ofSeconds(21));

            assertThat(lines.list).filteredOn(line -> line.getFormattedMessage().startsWith("backend "))
                    .extracting(ILoggingEvent::getFormattedMessage, ILoggingEvent::getLevel)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(
                            "backend 10.0.0.11:8080 of cluster api: HEALTHY -> UNHEALTHY "
                                    + "(3 consecutive failures: connection refused)", Level.WARN));
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
            logger.setAdditive(true);
        }
    }

    @Test
    void aListenerThatThrowsDoesNotKeepTheOthersFromBeingTold() {
        List<HealthEvent> told = new ArrayList<>();
        HealthFixture fixture = new HealthFixture(Configs.proxy(
                Configs.cluster("api", Configs.httpCheck(), null, 0, backends)),
                b -> b.listener(event -> {
                    throw new IllegalStateException("broken metrics");
                }).listener(told::add));
        try (fixture) {
            fixture.monitor.drain("api", first);

            assertThat(told).hasSize(1);
            assertThat(fixture.monitor.eligible("api")).hasSize(1);
        }
    }

    @Test
    void aBackendListedTwiceInAClusterIsRejected() {
        HostPort twice = new HostPort("10.0.0.11", 8080);
        assertThatThrownBy(() -> HealthMonitor.builder(Configs.proxy(
                Configs.cluster("api", Configs.httpCheck(), null, 0, List.of(twice, twice))))
                .scheduler(new VirtualScheduler()).checkers(new FakeBackends(new VirtualScheduler())).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster api: backend 10.0.0.11:8080 is listed twice (expected: each address once per cluster)");
    }

    private HealthFixture start() {
        return HealthFixture.start(Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)));
    }
}
