package dev.maitre.server;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthView;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link HealthView} in which every configured backend is always eligible. Used while no backend
 * is actively checked; the lists are built once, so a lookup allocates nothing.
 */
public final class StaticHealthView implements HealthView {

    private final Map<String, List<Endpoint>> eligible;

    private StaticHealthView(Map<String, List<Endpoint>> eligible) {
        this.eligible = eligible;
    }

    /** Every backend of every cluster of {@code config}, in configuration order. */
    public static StaticHealthView allBackendsOf(ProxyConfig config) {
        return new StaticHealthView(config.clusters().stream()
                .collect(Collectors.toUnmodifiableMap(ClusterConfig::name, StaticHealthView::endpoints)));
    }

    private static List<Endpoint> endpoints(ClusterConfig cluster) {
        return cluster.backends().stream()
                .map(backend -> endpoint(cluster.name(), backend))
                .collect(Collectors.toUnmodifiableList());
    }

    private static Endpoint endpoint(String cluster, BackendConfig backend) {
        return new Endpoint(new BackendId(cluster, backend.address()), backend.weight());
    }

    @Override
    public List<Endpoint> eligible(String cluster) {
        return eligible.getOrDefault(cluster, List.of());
    }
}
