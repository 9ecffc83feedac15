package dev.maitre.server.admin;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.health.BackendHealth;
import dev.maitre.health.ClusterHealth;
import dev.maitre.health.HealthEvent;
import dev.maitre.health.LastCheck;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Turns the health monitor's snapshots and events into what the admin API shows: adds what the
 * configuration and the data plane know (balancer, requests in flight, open tunnels) and writes times as ISO-8601.
 */
final class HealthViews {

    /** A cluster as {@code GET /api/clusters} shows it. */
    record ClusterView(String name, String balancer, boolean activelyChecked, boolean panic,
                       List<BackendView> backends) {
    }

    /**
     * A backend as the admin API shows it.
     *
     * @param origin {@code static} when the configuration file lists it, {@code dns} when DNS discovery found it
     * @param eligible whether it may get new requests now
     * @param ejectedUntil when its ejection by outlier detection ends; {@code null} when not ejected
     * @param openTunnels its tunnels (upgraded connections) open now, counted in {@code activeRequests} too
     */
    record BackendView(String address, int weight, String origin, String state, int activeRequests, LastCheckView lastCheck,
                       int consecutiveFailures, int consecutiveSuccesses, boolean eligible, boolean ejected,
                       String ejectedUntil, long openTunnels) {
    }

    /**
     * The latest active check.
     *
     * @param result {@code ok} or {@code failed}
     * @param reason what was seen: {@code status 200}, {@code connection refused}, {@code timeout after 2s}
     */
    record LastCheckView(String time, String result, String reason, double latencyMs) {
    }

    /** A health event as {@code GET /api/events} shows it. */
    record EventView(String time, String cluster, String backend, String kind, String from, String to,
                     String reason) {
    }

    private final Supplier<ProxyConfig> config;
    private final ToIntFunction<BackendId> activeRequests;
    private final ToLongFunction<BackendId> openTunnels;
    private final Function<BackendId, String> origin;

    /**
     * @param config the configuration in use, read anew for each answer (a reload replaces it)
     * @param activeRequests the requests a backend is serving now, as the data plane counts them
     * @param openTunnels the tunnels to a backend open now, as the data plane counts them
     * @param origin where a backend came from: {@code static} or {@code dns}
     */
    HealthViews(Supplier<ProxyConfig> config, ToIntFunction<BackendId> activeRequests,
                ToLongFunction<BackendId> openTunnels, Function<BackendId, String> origin) {
        this.config = config;
        this.activeRequests = activeRequests;
        this.openTunnels = openTunnels;
        this.origin = origin;
    }

    ClusterView cluster(ClusterHealth cluster) {
        String balancer = config.get().cluster(cluster.name()).map(c -> c.balancer().configName()).orElse(null);
        return new ClusterView(cluster.name(), balancer, cluster.activelyChecked(),
                cluster.panic(), cluster.backends().stream().map(backend -> backend(cluster.name(), backend)).toList());
    }

    BackendView backend(String cluster, BackendHealth backend) {
        BackendId id = new BackendId(cluster, backend.address());
        return new BackendView(backend.address().toString(), backend.weight(), origin.apply(id), backend.state().name(),
                activeRequests.applyAsInt(id), lastCheck(backend.lastCheck()),
                backend.consecutiveFailures(), backend.consecutiveSuccesses(), backend.eligible(), backend.ejected(),
                backend.ejected() ? time(backend.ejectedUntilMillis()) : null, openTunnels.applyAsLong(id));
    }

    EventView event(HealthEvent event) {
        return new EventView(time(event.timeMillis()), event.cluster(), event.backend().toString(),
                event.kind().name(), event.from().name(), event.to().name(), event.reason());
    }

    private static LastCheckView lastCheck(LastCheck check) {
        return check == null ? null
                : new LastCheckView(time(check.timeMillis()), check.ok() ? "ok" : "failed", check.reason(),
                        check.latencyMillis());
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
