package dev.maitre.server.reload;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.Outcome;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.health.HealthMonitor;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The health monitor of the running configuration, as the data plane and the admin API see it: a
 * reload swaps the monitor behind it in one step, so that the engine keeps the one view it was
 * started with. Outcomes go to the current monitor, then to {@code also} (the metrics).
 */
public final class CurrentHealth implements HealthView, OutcomeListener {

    private final AtomicReference<HealthMonitor> monitor;
    private final OutcomeListener also;

    public CurrentHealth(HealthMonitor first, OutcomeListener also) {
        this.monitor = new AtomicReference<>(Objects.requireNonNull(first, "first"));
        this.also = Objects.requireNonNull(also, "also");
    }

    /** The monitor in use now. */
    public HealthMonitor monitor() {
        return monitor.get();
    }

    /** Puts {@code next} in use for every request from now on; returns the monitor it replaces. */
    public HealthMonitor swap(HealthMonitor next) {
        return monitor.getAndSet(Objects.requireNonNull(next, "next"));
    }

    @Override
    public List<Endpoint> eligible(String cluster) {
        return monitor.get().eligible(cluster);
    }

    @Override
    public void onOutcome(Outcome outcome) {
        monitor.get().onOutcome(outcome);
        also.onOutcome(outcome);
    }
}
