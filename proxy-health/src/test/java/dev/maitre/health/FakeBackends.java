package dev.maitre.health;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.Durations;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.health.check.CheckResult;
import dev.maitre.health.check.Checker;
import dev.maitre.health.check.CheckerFactory;
import dev.maitre.health.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Backends simulated on virtual time, and checkers that probe them. A probe meets the backend as it
 * is when the probe starts; every probe is recorded.
 */
final class FakeBackends implements CheckerFactory {

    /** The answer's round trip for a backend that answers. */
    static final Duration ROUND_TRIP = Duration.ofMillis(1);

    /** How a simulated backend meets a probe. */
    enum Behaviour {
        /** Answers 200 after the round trip. */
        UP(true),
        /** Refuses the connection: the probe fails at once. */
        REFUSING(false),
        /** Swallows packets: the probe fails when its timeout is up. */
        BLACK_HOLE(false),
        /** Answers 500 after the round trip. */
        ANSWERING_500(false),
        /** Like a broken checker: the probe never ends at all. */
        HUNG(false);

        final boolean passes;

        Behaviour(boolean passes) {
            this.passes = passes;
        }
    }

    /** One probe: when it started and what it met. */
    record Probe(long startNanos, Behaviour met) {
    }

    private final VirtualScheduler scheduler;
    private final Map<HostPort, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<HostPort, List<Probe>> probes = new ConcurrentHashMap<>();

    FakeBackends(VirtualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    void set(HostPort backend, Behaviour behaviour) {
        behaviours.put(backend, behaviour);
    }

    List<Probe> probes(HostPort backend) {
        return List.copyOf(probes.getOrDefault(backend, List.of()));
    }

    List<Long> probeStarts(HostPort backend) {
        return probes(backend).stream().map(Probe::startNanos).toList();
    }

    @Override
    public Checker create(HealthCheckConfig config) {
        return backend -> probe(backend, config.timeout());
    }

    private CompletableFuture<CheckResult> probe(HostPort backend, Duration timeout) {
        Behaviour behaviour = behaviours.getOrDefault(backend, Behaviour.UP);
        probes.computeIfAbsent(backend, b -> new ArrayList<>()).add(new Probe(scheduler.nanoTime(), behaviour));
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        long roundTrip = ROUND_TRIP.toNanos();
        switch (behaviour) {
            case UP -> scheduler.schedule(() -> result.complete(CheckResult.passed("status 200", roundTrip)), roundTrip);
            case REFUSING -> result.complete(CheckResult.failed("connection refused", 0));
            case BLACK_HOLE -> scheduler.schedule(() -> result.complete(
                    CheckResult.failed("timeout after " + Durations.format(timeout), timeout.toNanos())),
                    timeout.toNanos());
            case ANSWERING_500 -> scheduler.schedule(
                    () -> result.complete(CheckResult.failed("status 500", roundTrip)), roundTrip);
            case HUNG -> { }
        }
        return result;
    }
}
