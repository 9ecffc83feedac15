package dev.maitre.server.reload;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.ProxyConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The backends DNS discovery found, by cluster, each with the discovery configuration that found them;
 * and the configuration in use that follows from them: each cluster's backends are those its file lists
 * and those found, an address listed in the file keeping the file's weight. Immutable.
 */
public final class DiscoveredBackends {

    private record Found(DiscoveryConfig from, List<BackendConfig> backends) {
    }

    private static final DiscoveredBackends NONE = new DiscoveredBackends(Map.of());

    private final Map<String, Found> byCluster;

    private DiscoveredBackends(Map<String, Found> byCluster) {
        this.byCluster = Map.copyOf(byCluster);
    }

    public static DiscoveredBackends none() {
        return NONE;
    }

    /** What {@code found} (by cluster) means for {@code file}'s clusters that have discovery. */
    public static DiscoveredBackends of(ProxyConfig file, Map<String, List<BackendConfig>> found) {
        Map<String, Found> byCluster = new HashMap<>();
        found.forEach((cluster, backends) -> file.cluster(cluster).filter(c -> c.discovery() != null)
                .ifPresent(c -> byCluster.put(cluster, new Found(c.discovery(), List.copyOf(backends)))));
        return new DiscoveredBackends(byCluster);
    }

    /** These with {@code cluster}'s backends found by {@code from} replaced by {@code backends}. */
    public DiscoveredBackends with(String cluster, DiscoveryConfig from, List<BackendConfig> backends) {
        Map<String, Found> next = new HashMap<>(byCluster);
        next.put(cluster, new Found(from, List.copyOf(backends)));
        return new DiscoveredBackends(next);
    }

    /** The backends {@code cluster}'s discovery found, none when it has found nothing yet. */
    public List<BackendConfig> of(String cluster) {
        Found found = byCluster.get(cluster);
        return found != null ? found.backends : List.of();
    }

    /** Those still valid under {@code file}: of clusters whose discovery is unchanged. */
    public DiscoveredBackends keptBy(ProxyConfig file) {
        Map<String, Found> kept = new HashMap<>();
        byCluster.forEach((cluster, found) -> file.cluster(cluster)
                .filter(c -> Objects.equals(c.discovery(), found.from)).ifPresent(c -> kept.put(cluster, found)));
        return new DiscoveredBackends(kept);
    }

    /** Whether {@code from} is what {@code cluster} of {@code file} follows now. */
    public static boolean current(ProxyConfig file, String cluster, DiscoveryConfig from) {
        return file.cluster(cluster).map(c -> from.equals(c.discovery())).orElse(false);
    }

    /** {@code file} with each cluster's discovered backends added to those it lists. */
    public ProxyConfig applyTo(ProxyConfig file) {
        if (byCluster.isEmpty()) {
            return file;
        }
        List<ClusterConfig> clusters = new ArrayList<>();
        for (ClusterConfig cluster : file.clusters()) {
            Found found = byCluster.get(cluster.name());
            if (found == null) {
                clusters.add(cluster);
                continue;
            }
            Map<HostPort, BackendConfig> backends = new LinkedHashMap<>();
            cluster.backends().forEach(b -> backends.put(b.address(), b));
            found.backends.forEach(b -> backends.putIfAbsent(b.address(), b));
            clusters.add(cluster.withBackends(List.copyOf(backends.values())));
        }
        return new ProxyConfig(file.admin(), file.workers(), file.shutdownDelay(), file.shutdownGracePeriod(),
                file.accessLog(), file.listeners(), clusters);
    }

    /**
     * Where {@code backend} of the configuration in use came from: {@code static} when {@code file}
     * lists it (whether or not DNS names it too), {@code dns} otherwise.
     */
    public static String origin(ProxyConfig file, BackendId backend) {
        boolean listed = file.cluster(backend.cluster())
                .map(c -> c.backends().stream().anyMatch(b -> b.address().equals(backend.address()))).orElse(false);
        return listed ? "static" : "dns";
    }

    /** A line for the log: what changed from {@code before} to {@code after} for {@code cluster}. */
    static String difference(List<BackendConfig> before, List<BackendConfig> after) {
        Set<HostPort> old = before.stream().map(BackendConfig::address).collect(Collectors.toSet());
        Set<HostPort> now = after.stream().map(BackendConfig::address).collect(Collectors.toSet());
        List<String> parts = new ArrayList<>();
        String added = now.stream().filter(a -> !old.contains(a)).map(HostPort::toString).sorted()
                .collect(Collectors.joining(", "));
        String removed = old.stream().filter(a -> !now.contains(a)).map(HostPort::toString).sorted()
                .collect(Collectors.joining(", "));
        if (!added.isEmpty()) {
            parts.add("added " + added);
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        return parts.isEmpty() ? "weights changed" : String.join("; ", parts);
    }
}
