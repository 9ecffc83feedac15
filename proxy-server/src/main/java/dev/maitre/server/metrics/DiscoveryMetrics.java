package dev.maitre.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of DNS discovery: {@code maitre_discovery_resolutions_total{cluster,result}} (result
 * {@code ok}, {@code empty} or {@code failed}) and {@code maitre_discovery_backends{cluster}}, the
 * backends found by the last good answer. Recorded by the discovery thread, never on a request's way.
 */
public final class DiscoveryMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> backends = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    DiscoveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one lookup of {@code cluster}'s records that ended as {@code result}. */
    public void resolved(String cluster, String result) {
        Counter.builder("maitre.discovery.resolutions").description("DNS lookups of a cluster's backends, by result")
                .tag("cluster", cluster).tag("result", result).register(registry).increment();
    }

    /** Sets how many backends {@code cluster}'s records name now. */
    public void discovered(String cluster, int count) {
        backends.computeIfAbsent(cluster, name -> {
            AtomicInteger value = new AtomicInteger();
            // the map holds the value: a gauge keeps its object only weakly
            gauges.put(name, Gauge.builder("maitre.discovery.backends", value, AtomicInteger::get)
                    .description("backends found by DNS discovery, by the last good answer")
                    .tag("cluster", name).register(registry));
            return value;
        }).set(count);
    }

    /** Drops the backend gauge of {@code cluster}, which no longer discovers. */
    public void forget(String cluster) {
        backends.remove(cluster);
        Gauge gauge = gauges.remove(cluster);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }
}
