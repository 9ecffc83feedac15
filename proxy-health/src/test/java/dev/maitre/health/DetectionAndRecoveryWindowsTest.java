package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.Durations;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.Percentages;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.FakeBackends.Behaviour;
import dev.maitre.health.FakeBackends.Probe;
import dev.maitre.health.HealthFixture.TimedEvent;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The timing rules of DESIGN.md §3, on virtual time. A backend dies at t0 (refusing connections,
 * black-holed so that each check times out, or answering 500) and comes back at t1; it must leave
 * rotation within {@code [(F−1)·I·(1−J), F·I·(1+J)]} of t0 ({@code + T} when black-holed) and return
 * within {@code [(R−1)·I·(1−J), R·I·(1+J)]} of t1, plus one check's round trip. For every interval,
 * threshold and jitter of the matrix, t0 and t1 are put right after a check, mid-cycle and right before
 * a check, and jitter is drawn at its lowest, at its highest and at random, so that both ends of each
 * window are reached, not only its inside.
 */
class DetectionAndRecoveryWindowsTest {

    private static final HostPort BACKEND = new HostPort("10.0.0.11", 8080);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long MS = 1_000_000;
    private static final long ROUND_TRIP = FakeBackends.ROUND_TRIP.toNanos();

    /** How the backend dies. */
    enum Failure {
        REFUSED(Behaviour.REFUSING, false),
        BLACK_HOLE(Behaviour.BLACK_HOLE, true),
        STATUS_500(Behaviour.ANSWERING_500, false);

        final Behaviour behaviour;
        final boolean failsAfterTimeout;

        Failure(Behaviour behaviour, boolean failsAfterTimeout) {
            this.behaviour = behaviour;
            this.failsAfterTimeout = failsAfterTimeout;
        }
    }

    /** How each wait's jitter is drawn. */
    enum Draw {
        /** Jitter 0: every wait is I. */
        NONE,
        /** Every wait is I·(1−J). */
        LOWEST,
        /** Every wait is I·(1+J). */
        HIGHEST,
        /** Uniformly, from a seeded generator. */
        SEEDED
    }

    /** Where in the check cycle the backend dies or comes back. */
    enum Phase {
        JUST_AFTER_A_CHECK,
        MID_CYCLE,
        JUST_BEFORE_A_CHECK
    }

    record Case(Duration interval, int fall, int rise, double jitter, Draw draw, Failure failure, Phase phase) {

        long intervalNanos() {
            return interval.toNanos();
        }

        /** The wait after a check, where the draw makes it known in advance. */
        long knownWait() {
            return switch (draw) {
                case NONE -> intervalNanos();
                case LOWEST -> Math.round(intervalNanos() * (1 - jitter));
                case HIGHEST -> Math.round(intervalNanos() * (1 + jitter));
                case SEEDED -> throw new IllegalStateException("a seeded draw is not known in advance");
            };
        }

        RandomGenerator random() {
            return switch (draw) {
                case NONE, SEEDED -> new SplittableRandom(fall * 31L + rise * 7L + interval.toSeconds());
                case LOWEST -> () -> 0L;
                case HIGHEST -> () -> -1L;
            };
        }

        boolean reachesLowerEnd() {
            return (draw == Draw.NONE || draw == Draw.LOWEST) && phase == Phase.JUST_BEFORE_A_CHECK;
        }

        boolean reachesUpperEnd() {
            return (draw == Draw.NONE || draw == Draw.HIGHEST) && phase == Phase.JUST_AFTER_A_CHECK;
        }

        @Override
        public String toString() {
            return failure.name().toLowerCase().replace('_', ' ') + ", I=" + Durations.format(interval) + " F=" + fall
                    + " R=" + rise + " J=" + Percentages.format(jitter) + " (" + draw.name().toLowerCase() + " draw), "
                    + phase.name().toLowerCase().replace('_', ' ');
        }
    }

    @TestFactory
    Stream<DynamicTest> aDeadBackendLeavesAndARevivedOneReturnsWithinTheWindows() {
        List<Case> cases = new ArrayList<>();
        for (Duration interval : List.of(Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            for (int fall : List.of(2, 3)) {
                for (int rise : List.of(2, 3)) {
                    for (Failure failure : Failure.values()) {
                        for (Phase phase : Phase.values()) {
                            cases.add(new Case(interval, fall, rise, 0, Draw.NONE, failure, phase));
                            cases.add(new Case(interval, fall, rise, 0.10, Draw.LOWEST, failure, phase));
                            cases.add(new Case(interval, fall, rise, 0.10, Draw.HIGHEST, failure, phase));
                            if (phase != Phase.JUST_BEFORE_A_CHECK) {
                                cases.add(new Case(interval, fall, rise, 0.10, Draw.SEEDED, failure, phase));
                            }
                        }
                    }
                }
            }
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    private static void run(Case c) {
        HealthCheckConfig check = Configs.httpCheck(c.interval(), TIMEOUT, c.fall(), c.rise(), c.jitter());
        try (HealthFixture fixture = HealthFixture.start(
                Configs.proxy(Configs.cluster("api", check, null, 0, List.of(BACKEND))), c.random())) {
            fixture.runUntilProbed(BACKEND, 3);
            assertThat(fixture.state(BACKEND)).isEqualTo(HealthState.HEALTHY);

            long t0 = pickMoment(fixture, c);
            fixture.backends.set(BACKEND, c.failure().behaviour);
            TimedEvent down = fixture.runUntilTransition(BACKEND, HealthState.UNHEALTHY, Duration.ofMinutes(10));
            assertThat(fixture.monitor.eligible("api")).isEmpty();
            assertDetection(c, down.nanos() - t0);
            List<Probe> sinceDeath = probesBetween(fixture, t0, down.nanos());
            assertThat(sinceDeath).as("probes from death to detection").hasSize(c.fall())
                    .allMatch(probe -> probe.met() == c.failure().behaviour);
            assertThat(down.event().reason()).startsWith(c.fall() + " consecutive failures: ");

            fixture.runUntilProbed(BACKEND, fixture.backends.probes(BACKEND).size() + 1);
            long t1 = pickMoment(fixture, c);
            fixture.backends.set(BACKEND, Behaviour.UP);
            TimedEvent up = fixture.runUntilTransition(BACKEND, HealthState.HEALTHY, Duration.ofMinutes(10));
            assertThat(fixture.monitor.eligible("api")).extracting(e -> e.address()).containsExactly(BACKEND);
            assertRecovery(c, up.nanos() - t1);
            assertThat(up.event().reason()).isEqualTo(c.rise() + " consecutive successes");
        }
    }

    /**
     * Picks the moment of death or revival relative to the check that just started, and runs up to it;
     * a probe meets the backend as it is when the probe starts.
     */
    private static long pickMoment(HealthFixture fixture, Case c) {
        List<Long> starts = fixture.backends.probeStarts(BACKEND);
        long lastStart = starts.get(starts.size() - 1);
        long moment = switch (c.phase()) {
            case JUST_AFTER_A_CHECK -> lastStart + 2 * MS;
            case MID_CYCLE -> lastStart + Math.round(c.intervalNanos() * (1 - c.jitter())) / 2;
            case JUST_BEFORE_A_CHECK -> lastStart + c.knownWait() - MS;
        };
        fixture.advanceTo(moment);
        assertThat(fixture.backends.probeStarts(BACKEND)).as("no check started before the chosen moment")
                .hasSize(starts.size());
        return moment;
    }

    private static void assertDetection(Case c, long detection) {
        long interval = c.intervalNanos();
        long timeout = c.failure().failsAfterTimeout ? TIMEOUT.toNanos() : 0;
        long lower = Math.round((c.fall() - 1) * interval * (1 - c.jitter())) + timeout;
        long upper = Math.round(c.fall() * interval * (1 + c.jitter())) + timeout;
        assertThat(detection).as("detection time (ns)").isBetween(lower, upper);
        if (c.reachesLowerEnd()) {
            assertThat(detection).as("detection time at the window's lower end").isLessThanOrEqualTo(lower + 2 * MS);
        }
        if (c.reachesUpperEnd()) {
            assertThat(detection).as("detection time at the window's upper end").isGreaterThanOrEqualTo(upper - 3 * MS);
        }
    }

    private static void assertRecovery(Case c, long recovery) {
        long interval = c.intervalNanos();
        long lower = Math.round((c.rise() - 1) * interval * (1 - c.jitter()));
        long upper = Math.round(c.rise() * interval * (1 + c.jitter())) + ROUND_TRIP;
        assertThat(recovery).as("recovery time (ns)").isBetween(lower, upper);
        if (c.reachesLowerEnd()) {
            assertThat(recovery).as("recovery time at the window's lower end")
                    .isLessThanOrEqualTo(lower + 2 * MS + ROUND_TRIP);
        }
        if (c.reachesUpperEnd()) {
            assertThat(recovery).as("recovery time at the window's upper end").isGreaterThanOrEqualTo(upper - 3 * MS);
        }
    }

    private static List<Probe> probesBetween(HealthFixture fixture, long from, long to) {
        return fixture.backends.probes(BACKEND).stream()
                .filter(probe -> probe.startNanos() >= from && probe.startNanos() <= to)
                .toList();
    }
}
