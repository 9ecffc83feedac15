package dev.maitre.server.metrics;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.http.TunnelCounts;
import dev.maitre.engine.http.Tunnels;
import dev.maitre.engine.relay.PairRelay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The meters of tunnels (upgraded HTTP connections, such as WebSockets), per HTTP listener and per
 * backend: open now, bytes each way, ended by how. Each reads the engine's {@link TunnelCounts} when
 * scraped; those are held by the engine for its whole life, so the meters may hold them too. Kept in
 * step with the configuration like the other per-backend meters; the caller serializes calls.
 */
final class TunnelMetrics {

    private static final String CLIENT_TO_BACKEND = "client_to_backend";
    private static final String BACKEND_TO_CLIENT = "backend_to_client";

    private final MeterRegistry registry;
    private final Tunnels tunnels;
    private final Map<String, List<Meter>> listeners = new HashMap<>();
    private final Map<BackendId, List<Meter>> backends = new HashMap<>();

    TunnelMetrics(MeterRegistry registry, Tunnels tunnels) {
        this.registry = registry;
        this.tunnels = tunnels;
    }

    /** Adds the meters of HTTP listeners and backends new in {@code config}, removes those of the ones gone. */
    void follow(ProxyConfig config) {
        Map<String, List<Meter>> nextListeners = new HashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.protocol() == Protocol.HTTP) {
                String name = listener.name();
                List<Meter> meters = listeners.remove(name);
                nextListeners.put(name, meters != null ? meters
                        : register("maitre.", tunnels.ofListener(name), Tags.of("listener", name)));
            }
        }
        Map<BackendId, List<Meter>> nextBackends = new HashMap<>();
        for (ClusterConfig cluster : config.clusters()) {
            for (BackendConfig backend : cluster.backends()) {
                BackendId id = new BackendId(cluster.name(), backend.address());
                List<Meter> meters = backends.remove(id);
                nextBackends.put(id, meters != null ? meters : register("maitre.backend.", tunnels.ofBackend(id),
                        Tags.of("cluster", id.cluster(), "backend", id.address().toString())));
            }
        }
        listeners.values().forEach(gone -> gone.forEach(registry::remove));
        backends.values().forEach(gone -> gone.forEach(registry::remove));
        listeners.putAll(nextListeners);
        backends.putAll(nextBackends);
    }

    private List<Meter> register(String prefix, TunnelCounts counts, Tags tags) {
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder(prefix + "open.tunnels", counts, TunnelCounts::open)
                .description("tunnels (upgraded connections, such as WebSockets) open now")
                .tags(tags).register(registry));
        meters.add(FunctionCounter.builder(prefix + "tunnel.bytes", counts, TunnelCounts::bytesFromClient)
                .description("bytes passed through tunnels, by direction")
                .tags(tags).tag("direction", CLIENT_TO_BACKEND).register(registry));
        meters.add(FunctionCounter.builder(prefix + "tunnel.bytes", counts, TunnelCounts::bytesFromBackend)
                .description("bytes passed through tunnels, by direction")
                .tags(tags).tag("direction", BACKEND_TO_CLIENT).register(registry));
        for (PairRelay.End end : PairRelay.End.values()) {
            meters.add(FunctionCounter.builder(prefix + "tunnels.closed", counts, c -> c.ended(end))
                    .description("tunnels ended, by how they ended")
                    .tags(tags).tag("reason", end.label()).register(registry));
        }
        return meters;
    }
}
