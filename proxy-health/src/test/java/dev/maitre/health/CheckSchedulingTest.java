package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** When checks start: spread at first, then at a fixed rate per backend, never held up by another. */
class CheckSchedulingTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstChecksOfAClusterAreSpreadOverTheFirstInterval() {
        List<HostPort> backends = Configs.addresses(4);
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)))) {
            fixture.advance(Duration.ofMillis(9_999));

            assertThat(backends).extracting(b -> fixture.backends.probeStarts(b))
                    .containsExactly(List.of(0L), List.of(25 * SECOND / 10), List.of(5 * SECOND),
                            List.of(75 * SECOND / 10));
        }
    }

    @Test
    void eachCheckStartsOneIntervalAfterThePreviousStartedEvenWhenItTimedOut() {
        HostPort backend = new HostPort("10.0.0.11", 8080);
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, List.of(backend))))) {
            fixture.backends.set(backend, Behaviour.BLACK_HOLE);
            fixture.advance(Duration.ofSeconds(45));

            assertThat(fixture.backends.probeStarts(backend))
                    .containsExactly(0L, 10 * SECOND, 20 * SECOND, 30 * SECOND, 40 * SECOND);
        }
    }

    @Test
    void jitteredWaitsStayWithinIntervalTimesOnePlusOrMinusJitterAndVary() {
        HostPort backend = new HostPort("10.0.0.11", 8080);
        HealthCheckConfig check = Configs.httpCheck(Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0.10);
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", check, null, 0, List.of(backend))), new SplittableRandom(7))) {
            fixture.advance(Duration.ofMinutes(30));

            List<Long> starts = fixture.backends.probeStarts(backend);
            List<Long> waits = java.util.stream.IntStream.range(1, starts.size())
                    .mapToObj(i -> starts.get(i) - starts.get(i - 1)).toList();
            assertThat(waits).hasSizeGreaterThan(150).allSatisfy(wait -> assertThat(wait).isBetween(9 * SECOND, 11 * SECOND));
            assertThat(waits.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(95 * SECOND / 10);
            assertThat(waits.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(105 * SECOND / 10);
        }
    }

    @Test
    void aHungCheckDelaysNeitherAnotherBackendsChecksNorItsOwnNextOne() {
        List<HostPort> backends = Configs.addresses(2);
        HostPort hung = backends.get(0);
        HostPort healthy = backends.get(1);
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, backends)))) {
            fixture.backends.set(hung, Behaviour.HUNG);
            fixture.advance(Duration.ofSeconds(36));

            assertThat(fixture.backends.probeStarts(hung)).containsExactly(0L, 10 * SECOND, 20 * SECOND, 30 * SECOND);
            assertThat(fixture.backends.probeStarts(healthy)).containsExactly(5 * SECOND, 15 * SECOND, 25 * SECOND,
                    35 * SECOND);
            assertThat(fixture.backendHealth(healthy).lastCheck().ok()).isTrue();
        }
    }

    @Test
    void aBackendConfiguredToStartUnhealthyGetsTrafficOnlyAfterHealthyThresholdPassedChecks() {
        HostPort backend = new HostPort("10.0.0.11", 8080);
        HealthCheckConfig check = new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, "/healthz", null,
                StatusRanges.parse("200-399"), Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0,
                HealthState.UNHEALTHY);
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", check, null, 0, List.of(backend))))) {
            assertThat(fixture.monitor.eligible("api")).isEmpty();
            assertThat(fixture.state(backend)).isEqualTo(HealthState.UNHEALTHY);

            HealthFixture.TimedEvent up = fixture.runUntilTransition(backend, HealthState.HEALTHY, Duration.ofMinutes(1));

            assertThat(up.nanos()).isEqualTo(10 * SECOND + FakeBackends.ROUND_TRIP.toNanos());
            assertThat(fixture.monitor.eligible("api")).extracting(e -> e.address()).containsExactly(backend);
        }
    }

    @Test
    void closingStopsTheChecks() {
        HostPort backend = new HostPort("10.0.0.11", 8080);
        HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", Configs.httpCheck(), null, 0, List.of(backend))));
        fixture.advance(Duration.ofSeconds(15));
        fixture.close();
        fixture.advance(Duration.ofMinutes(5));

        assertThat(fixture.backends.probeStarts(backend)).hasSize(2);
    }
}
