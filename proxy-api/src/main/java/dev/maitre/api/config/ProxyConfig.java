package dev.maitre.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole, validated maitre configuration. Built by {@link ConfigBinder}; every value is concrete
 * (defaults already applied).
 *
 * @param workers the number of event-loop threads that serve connections
 */
public record ProxyConfig(
        AdminConfig admin,
        int workers,
        Duration shutdownGracePeriod,
        AccessLogConfig accessLog,
        List<ListenerConfig> listeners,
        List<ClusterConfig> clusters) {

    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);

    public ProxyConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        Objects.requireNonNull(accessLog, "accessLog");
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
    }

    /** The number of cores, the default for {@code workers}. */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
