package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.time.VirtualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/** A {@link HealthMonitor} on virtual time with simulated backends, and the events it told, timed. */
final class HealthFixture implements AutoCloseable {

    /** An event and the virtual time it was told at. */
    record TimedEvent(long nanos, HealthEvent event) {
    }

    final VirtualScheduler scheduler = new VirtualScheduler();
    final FakeBackends backends = new FakeBackends(scheduler);
    final List<TimedEvent> events = new CopyOnWriteArrayList<>();
    final HealthMonitor monitor;

    private HealthFixture(ProxyConfig config, RandomGenerator random) {
        this(config, builder -> builder.random(random));
    }

    /** A monitor of {@code config}, configured further by {@code customize}, not started. */
    HealthFixture(ProxyConfig config, UnaryOperator<HealthMonitor.Builder> customize) {
        this.monitor = customize.apply(HealthMonitor.builder(config)
                .scheduler(scheduler)
                .checkers(backends)
                .listener(event -> events.add(new TimedEvent(scheduler.nanoTime(), event))))
                .build();
    }

    /** Builds and starts a monitor of {@code config}. */
    static HealthFixture start(ProxyConfig config, RandomGenerator random) {
        HealthFixture fixture = new HealthFixture(config, random);
        fixture.monitor.start();
        return fixture;
    }

    static HealthFixture start(ProxyConfig config) {
        return start(config, new SplittableRandom(42));
    }

    long now() {
        return scheduler.nanoTime();
    }

    void advance(Duration duration) {
        scheduler.advance(duration);
    }

    void advanceTo(long nanos) {
        scheduler.advanceTo(nanos);
    }

    /** Runs task after task until {@code condition} holds; fails if it does not within {@code limit}. */
    void runUntil(BooleanSupplier condition, Duration limit) {
        long end = now() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            OptionalLong next = scheduler.nextDueNanos();
            if (next.isEmpty() || next.getAsLong() > end) {
                scheduler.advanceTo(end);
                assertThat(condition.getAsBoolean()).as("condition met within " + limit).isTrue();
                return;
            }
            scheduler.advanceTo(next.getAsLong());
        }
    }

    /** Runs until {@code backend} has been probed {@code count} times in all. */
    void runUntilProbed(HostPort backend, int count) {
        runUntil(() -> backends.probes(backend).size() >= count, Duration.ofHours(1));
    }

    /** Runs until {@code backend} enters {@code state}, and returns that event. */
    TimedEvent runUntilTransition(HostPort backend, HealthState to, Duration limit) {
        int seen = events.size();
        runUntil(() -> events.subList(seen, events.size()).stream().anyMatch(e -> isTransition(e, backend, to)), limit);
        return events.subList(seen, events.size()).stream().filter(e -> isTransition(e, backend, to)).findFirst()
                .orElseThrow();
    }

    List<HealthEvent> transitions() {
        return events.stream().map(TimedEvent::event).filter(e -> e.kind() == HealthEvent.Kind.TRANSITION).toList();
    }

    HealthState state(HostPort backend) {
        return backendHealth(backend).state();
    }

    BackendHealth backendHealth(HostPort backend) {
        return monitor.snapshot().stream().flatMap(c -> c.backends().stream())
                .filter(b -> b.address().equals(backend)).findFirst().orElseThrow();
    }

    private static boolean isTransition(TimedEvent timed, HostPort backend, HealthState to) {
        HealthEvent event = timed.event();
        return event.kind() == HealthEvent.Kind.TRANSITION && event.backend().equals(backend) && event.to() == to;
    }

    @Override
    public void close() {
        monitor.close();
    }
}
