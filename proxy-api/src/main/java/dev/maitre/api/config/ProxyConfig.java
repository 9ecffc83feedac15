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
 * @param shutdownDelay after SIGTERM, how long the listeners go on serving while {@code GET /ready}
 *     says 503, before the grace period begins
 * @param shutdownGracePeriod how long requests in flight may take to finish once the listeners closed
 */
public record ProxyConfig(
        AdminConfig admin,
        int workers,
        Duration shutdownDelay,
        Duration shutdownGracePeriod,
        AccessLogConfig accessLog,
        List<ListenerConfig> listeners,
        List<ClusterConfig> clusters) {

    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SHUTDOWN_DELAY = Duration.ZERO;

    public ProxyConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(shutdownDelay, "shutdownDelay");
        Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        Objects.requireNonNull(accessLog, "accessLog");
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
    }

    /** Without a shutdown delay: SIGTERM closes the listeners at once. */
    public ProxyConfig(AdminConfig admin, int workers, Duration shutdownGracePeriod, AccessLogConfig accessLog,
                       List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
        this(admin, workers, DEFAULT_SHUTDOWN_DELAY, shutdownGracePeriod, accessLog, listeners, clusters);
    }

    /** The number of cores, the default for {@code workers}. */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    public Optional<ClusterConfig> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
