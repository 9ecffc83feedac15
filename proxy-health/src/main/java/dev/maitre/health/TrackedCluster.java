package dev.maitre.health;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.Percentages;
import dev.maitre.api.health.HealthState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster's backends and the list of those that may get new requests, published as one immutable
 * list that the data plane reads without a lock. The list is rebuilt only when a backend's state or
 * ejection changes.
 */
final class TrackedCluster {

    // every health line goes through one logger, so operators can route them together
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final ClusterConfig config;
    private final List<TrackedBackend> backends;
    private volatile List<Endpoint> eligible = List.of();
    private boolean panic;

    TrackedCluster(ClusterConfig config, List<TrackedBackend> backends) {
        this.config = config;
        this.backends = List.copyOf(backends);
        republish();
    }

    String name() {
        return config.name();
    }

    ClusterConfig config() {
        return config;
    }

    List<TrackedBackend> backends() {
        return backends;
    }

    List<Endpoint> eligible() {
        return eligible;
    }

    /**
     * Rebuilds the eligible list: the healthy backends that are neither ejected nor draining; or, when
     * {@code panicThreshold} is set and fewer than that share of the backends not draining is healthy,
     * all backends not draining. Serialised, so that the last list published reflects the last change.
     */
    synchronized void republish() {
        List<Endpoint> notDraining = new ArrayList<>(backends.size());
        List<Endpoint> healthy = new ArrayList<>(backends.size());
        for (TrackedBackend backend : backends) {
            HealthState state = backend.state();
            if (state == HealthState.DRAINING) {
                continue;
            }
            notDraining.add(backend.endpoint());
            if (state == HealthState.HEALTHY && !backend.ejection().ejected) {
                healthy.add(backend.endpoint());
            }
        }
        double threshold = config.panicThreshold();
        boolean panicNow = threshold > 0 && !notDraining.isEmpty()
                && healthy.size() < threshold * notDraining.size();
        List<Endpoint> next = List.copyOf(panicNow ? notDraining : healthy);
        if (!next.equals(eligible)) {
            eligible = next;
        }
        if (panicNow != panic) {
            panic = panicNow;
            if (panicNow) {
                log.warn("cluster {}: {} of {} backends healthy, under panicThreshold {}: routing to all {}",
                        name(), healthy.size(), notDraining.size(), Percentages.format(threshold), notDraining.size());
            } else {
                log.info("cluster {}: {} of {} backends healthy, panic routing over",
                        name(), healthy.size(), notDraining.size());
            }
        }
    }

    ClusterHealth snapshot() {
        boolean inPanic;
        synchronized (this) {
            inPanic = panic;
        }
        List<Endpoint> now = eligible;
        List<BackendHealth> states = new ArrayList<>(backends.size());
        for (TrackedBackend backend : backends) {
            states.add(backend.snapshot(now.contains(backend.endpoint())));
        }
        return new ClusterHealth(name(), config.healthCheck() != null, inPanic, states);
    }
}
