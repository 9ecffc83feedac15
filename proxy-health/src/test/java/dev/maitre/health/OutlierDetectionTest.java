package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.health.Outcome.Kind;
import dev.maitre.api.health.Outcome;
import dev.maitre.health.time.VirtualScheduler;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Passive ejection of backends that fail real requests, as the data plane reports them. */
class OutlierDetectionTest {

    private static final Duration EJECTION_TIME = Duration.ofSeconds(30);
    private final List<HostPort> backends = Configs.addresses(4);
    private final HostPort first = backends.get(0);

    @Test
    void fiveFailedRequestsInARowEjectTheBackend() {
        try (HealthFixture fixture = start(50)) {
            fail(fixture, first, 4, Kind.CONNECT_FAILURE);
            assertThat(eligible(fixture)).contains(first);

            outcome(fixture, first, Kind.RESPONSE, 503);

            assertThat(eligible(fixture)).doesNotContain(first).hasSize(3);
            assertThat(fixture.events).extracting(e -> e.event().describe()).containsExactly(
                    "backend 10.0.0.11:8080 of cluster api: ejected for 30s: 5 consecutive failed requests, "
                            + "the last: status 503");
            BackendHealth health = fixture.backendHealth(first);
            assertThat(health.ejected()).isTrue();
            assertThat(health.ejectedUntilMillis()).isEqualTo(VirtualScheduler.EPOCH_MILLIS + 30_000);
            assertThat(health.eligible()).isFalse();
        }
    }

    @Test
    void resetsTimeoutsAndInvalidAnswersCountAsFailuresToo() {
        try (HealthFixture fixture = start(50)) {
            for (Kind kind : List.of(Kind.RESET, Kind.TIMEOUT, Kind.INVALID_RESPONSE, Kind.CONNECT_FAILURE)) {
                outcome(fixture, first, kind, 0);
            }
            outcome(fixture, first, Kind.RESET, 0);

            assertThat(eligible(fixture)).doesNotContain(first);
        }
    }

    @Test
    void anAnswerBelow500ResetsTheCount() {
        try (HealthFixture fixture = start(50)) {
            fail(fixture, first, 4, Kind.CONNECT_FAILURE);
            outcome(fixture, first, Kind.RESPONSE, 404);
            fail(fixture, first, 4, Kind.CONNECT_FAILURE);

            assertThat(eligible(fixture)).contains(first);
            assertThat(fixture.events).isEmpty();
        }
    }

    @Test
    void outcomesWithoutABackendAreIgnored() {
        try (HealthFixture fixture = start(50)) {
            for (int i = 0; i < 20; i++) {
                fixture.monitor.onOutcome(new Outcome("api", null, Kind.NO_BACKEND, 503, 0));
            }
            assertThat(eligible(fixture)).hasSize(4);
        }
    }

    @Test
    void anEjectedBackendReturnsWhenItsTimeIsOver() {
        try (HealthFixture fixture = start(50)) {
            fail(fixture, first, 5, Kind.CONNECT_FAILURE);
            fixture.advance(EJECTION_TIME.minusMillis(1));
            assertThat(eligible(fixture)).doesNotContain(first);

            fixture.advance(Duration.ofMillis(1));

            assertThat(eligible(fixture)).containsExactlyElementsOf(backends);
            assertThat(fixture.events).last().satisfies(e -> {
                assertThat(e.event().kind()).isEqualTo(HealthEvent.Kind.RETURNED);
                assertThat(e.event().reason()).isEqualTo("back from ejection: ejection time over");
            });
            assertThat(fixture.backendHealth(first).ejectedUntilMillis()).isZero();
        }
    }

    @Test
    void eachEjectionInARowLastsOneEjectionTimeLongerUpToTenTimesIt() {
        try (HealthFixture fixture = start(50)) {
            List<Long> seconds = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                fail(fixture, first, 5, Kind.CONNECT_FAILURE);
                long ejectedAt = fixture.now();
                fixture.runUntil(() -> eligible(fixture).contains(first), Duration.ofHours(1));
                seconds.add(TimeUnit.NANOSECONDS.toSeconds(fixture.now() - ejectedAt));
            }
            assertThat(seconds).containsExactly(30L, 60L, 90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L, 300L, 300L);
        }
    }

    @Test
    void theMultiplierDropsByOneForEveryEjectionTimeTheBackendStaysIn() {
        try (HealthFixture fixture = start(50)) {
            ejectAndWaitForReturn(fixture);
            ejectAndWaitForReturn(fixture);
            fixture.advance(EJECTION_TIME);

            fail(fixture, first, 5, Kind.CONNECT_FAILURE);

            assertThat(fixture.events).last().extracting(e -> e.event().reason()).asString()
                    .startsWith("ejected for 1m:");
            fixture.runUntil(() -> eligible(fixture).contains(first), Duration.ofHours(1));
            fixture.advance(EJECTION_TIME.multipliedBy(2));

            fail(fixture, first, 5, Kind.CONNECT_FAILURE);

            assertThat(fixture.events).last().extracting(e -> e.event().reason()).asString()
                    .startsWith("ejected for 30s:");
        }
    }

    @Test
    void aPassedActiveCheckEndsTheEjectionEarly() {
        HealthCheckConfig check = Configs.httpCheck();
        ClusterConfig cluster = Configs.cluster("api", check, Configs.outliers(5, EJECTION_TIME, 50), 0, backends);
        try (HealthFixture fixture = HealthFixture.start(Configs.proxy(cluster))) {
            fixture.advance(Duration.ofSeconds(1));
            fail(fixture, first, 5, Kind.RESPONSE, 502);
            assertThat(eligible(fixture)).doesNotContain(first);

            fixture.runUntil(() -> eligible(fixture).contains(first), EJECTION_TIME);

            assertThat(fixture.now()).isEqualTo(Duration.ofSeconds(10).plus(FakeBackends.ROUND_TRIP).toNanos());
            assertThat(fixture.events).last().extracting(e -> e.event().reason())
                    .isEqualTo("back from ejection: passed an active check");
        }
    }

    @Test
    void noMoreThanMaxEjectionPercentOfTheClusterIsEjectedAtOnce() {
        try (HealthFixture fixture = start(50)) {
            fail(fixture, backends.get(0), 5, Kind.CONNECT_FAILURE);
            fixture.advance(Duration.ofSeconds(10));
            fail(fixture, backends.get(1), 5, Kind.CONNECT_FAILURE);
            fail(fixture, backends.get(2), 20, Kind.CONNECT_FAILURE);

            assertThat(eligible(fixture)).containsExactly(backends.get(2), backends.get(3));

            fixture.advance(Duration.ofSeconds(20));
            assertThat(eligible(fixture)).as("the first is back").contains(backends.get(0));
            fail(fixture, backends.get(2), 1, Kind.CONNECT_FAILURE);

            assertThat(eligible(fixture)).containsExactly(backends.get(0), backends.get(3));
        }
    }

    @Test
    void oneBackendMayAlwaysBeEjectedWhateverTheMaximumShare() {
        for (int maxPercent : List.of(0, 10)) {
            try (HealthFixture fixture = start(maxPercent)) {
                fail(fixture, backends.get(0), 5, Kind.CONNECT_FAILURE);
                fail(fixture, backends.get(1), 5, Kind.CONNECT_FAILURE);

                assertThat(eligible(fixture)).as("at %s%%", maxPercent)
                        .containsExactly(backends.get(1), backends.get(2), backends.get(3));
            }
        }
    }

    @Test
    void withoutOutlierDetectionFailedRequestsChangeNothing() {
        try (HealthFixture fixture = HealthFixture.start(Configs.proxy(Configs.cluster("api", null, null, 0, backends)))) {
            fail(fixture, first, 100, Kind.CONNECT_FAILURE);

            assertThat(eligible(fixture)).containsExactlyElementsOf(backends);
        }
    }

    @Test
    void failuresReportedFromManyEventLoopsAtOnceEjectEachBackendOnceAndRespectTheShare() throws Exception {
        try (HealthFixture fixture = start(50)) {
            int threads = 8;
            ExecutorService loops = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(loops.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        outcome(fixture, backends.get(i % backends.size()), Kind.CONNECT_FAILURE, 0);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
            loops.shutdown();

            assertThat(fixture.events).hasSize(2).allSatisfy(e ->
                    assertThat(e.event().kind()).isEqualTo(HealthEvent.Kind.EJECTED));
            assertThat(fixture.events).extracting(e -> e.event().backend()).doesNotHaveDuplicates();
            assertThat(eligible(fixture)).hasSize(2);
        }
    }

    private HealthFixture start(int maxEjectionPercent) {
        return HealthFixture.start(Configs.proxy(Configs.cluster("api", null,
                Configs.outliers(5, EJECTION_TIME, maxEjectionPercent), 0, backends)));
    }

    private void ejectAndWaitForReturn(HealthFixture fixture) {
        fail(fixture, first, 5, Kind.CONNECT_FAILURE);
        fixture.runUntil(() -> eligible(fixture).contains(first), Duration.ofHours(1));
    }

    private static List<HostPort> eligible(HealthFixture fixture) {
        return fixture.monitor.eligible("api").stream().map(Endpoint::address).toList();
    }

    private static void fail(HealthFixture fixture, HostPort backend, int times, Kind kind) {
        fail(fixture, backend, times, kind, 0);
    }

    private static void fail(HealthFixture fixture, HostPort backend, int times, Kind kind, int status) {
        for (int i = 0; i < times; i++) {
            outcome(fixture, backend, kind, status);
        }
    }

    private static void outcome(HealthFixture fixture, HostPort backend, Kind kind, int status) {
        Endpoint endpoint = new Endpoint(new BackendId("api", backend), 1);
        fixture.monitor.onOutcome(new Outcome("api", endpoint, kind, status, 1_000_000));
    }
}
