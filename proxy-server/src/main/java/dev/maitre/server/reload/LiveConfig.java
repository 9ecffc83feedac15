package dev.maitre.server.reload;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.ProxyEngine;
import dev.maitre.engine.pool.BackendTls;
import dev.maitre.health.HealthMonitor;
import dev.maitre.server.access.AccessLogRuntime;
import dev.maitre.server.metrics.ProxyMetrics;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration in use and the one way a new one is put in use, whether it comes from the file (a
 * reload) or from DNS discovery: the file's configuration with each discovering cluster's backends
 * added. Applying builds a new health monitor that inherits the old one's knowledge, makes the metrics
 * follow, swaps the monitor in and hands the new tables to the engine; a failure changes nothing. One
 * change at a time (synchronized); never on an event loop.
 */
public final class LiveConfig {

    private static final Logger log = LoggerFactory.getLogger(LiveConfig.class);

    private final ProxyMetrics metrics;
    private final CurrentHealth health;
    private final ProxyEngine engine;
    private final AccessLogRuntime accessLog;
    /** Volatile so that the admin API reads it without waiting for a change being applied. */
    private volatile ProxyConfig file;
    private DiscoveredBackends discovered;
    private volatile ProxyConfig inUse;
    /** The client TLS of the clusters that have it, shared by the engine and the health checks. */
    private Map<String, BackendTls> backendTls;
    private boolean closed;

    /**
     * @param file the configuration as its file says
     * @param discovered the backends discovered so far; {@code inUse} is {@code file} with them
     * @param accessLog the access log's writer, which a new configuration may turn on or off or send elsewhere
     */
    public LiveConfig(ProxyConfig file, DiscoveredBackends discovered, ProxyConfig inUse,
                      Map<String, BackendTls> backendTls, ProxyMetrics metrics, CurrentHealth health,
                      ProxyEngine engine, AccessLogRuntime accessLog) {
        this.file = file;
        this.discovered = discovered;
        this.inUse = inUse;
        this.backendTls = backendTls;
        this.metrics = metrics;
        this.health = health;
        this.engine = engine;
        this.accessLog = accessLog;
    }

    /** The configuration in use: the file's, with the backends discovered. */
    public ProxyConfig inUse() {
        return inUse;
    }

    /** Where {@code backend} came from: {@code static} (listed in the file) or {@code dns}. */
    public String origin(BackendId backend) {
        return DiscoveredBackends.origin(file, backend);
    }

    /**
     * Puts {@code next}, read from the file, in use, keeping the backends discovered for clusters whose
     * discovery did not change; nothing changes when it needs a restart or cannot be applied.
     */
    public synchronized ReloadResult reload(ProxyConfig next) {
        if (closed) {
            return ReloadResult.unavailable("maitre is stopping");
        }
        ConfigChanges changes = ConfigChanges.between(file, next);
        if (!changes.appliesLive()) {
            return ReloadResult.rejected(changes.restartNeeded());
        }
        DiscoveredBackends kept = discovered.keptBy(next);
        List<String> applied = new ArrayList<>(changes.applied());
        try {
            applied.addAll(apply(kept.applyTo(next)));
        } catch (IllegalArgumentException e) {
            return ReloadResult.rejected(List.of(e.getMessage()));
        }
        file = next;
        discovered = kept;
        return ReloadResult.reloaded(applied);
    }

    /**
     * Puts {@code backends}, found by {@code from} for {@code cluster}, in use with the file's backends;
     * does nothing when the cluster follows another discovery now or they are already in use.
     */
    public synchronized void discovered(String cluster, DiscoveryConfig from, List<BackendConfig> backends) {
        if (closed || !DiscoveredBackends.current(file, cluster, from)) {
            return;
        }
        List<BackendConfig> before = discovered.of(cluster);
        if (before.equals(backends)) {
            return;
        }
        DiscoveredBackends next = discovered.with(cluster, from, backends);
        try {
            apply(next.applyTo(file));
        } catch (IllegalArgumentException e) {
            log.warn("cluster {}: backends found by DNS not applied, nothing changed: {}", cluster, e.getMessage());
            return;
        }
        discovered = next;
        log.info("cluster {}: backends found by DNS applied ({})", cluster,
                DiscoveredBackends.difference(before, backends));
    }

    /** Applies nothing more; closes the health monitor in use. */
    public synchronized void close() {
        closed = true;
        health.monitor().close();
    }

    /**
     * Puts {@code next} in use as docs/architecture.md "Reload" says, steps 3 to 5.
     *
     * @return what the engine found changed that the configuration's text does not show
     * @throws IllegalArgumentException when it cannot be applied; then nothing changed
     */
    private List<String> apply(ProxyConfig next) {
        HealthMonitor previous = health.monitor();
        // a CA bundle or client certificate renewed under the same name gets a new context
        Map<String, BackendTls> nextTls = BackendTls.forClusters(next, backendTls);
        // a file that cannot be opened refuses the change before anything else changed
        AccessLogRuntime.Change accessLogChange = accessLog.prepare(next.accessLog());
        HealthMonitor monitor;
        try {
            monitor = HealthMonitor.builder(next).listener(metrics).clientTls(contexts(nextTls))
                    .inheritFrom(previous).build();
        } catch (IllegalArgumentException e) {
            accessLog.discard(accessLogChange);
            throw e;
        }
        // meters and health first: a request routed by the new tables finds its backends known to both
        metrics.follow(next);
        monitor.start();
        health.swap(monitor);
        List<String> changes;
        try {
            changes = new ArrayList<>(engine.reload(next, nextTls));
        } catch (IllegalArgumentException e) {
            health.swap(previous);
            monitor.close();
            metrics.follow(inUse);
            accessLog.discard(accessLogChange);
            throw e;
        }
        previous.close();
        accessLog.apply(accessLogChange);
        renewedTls(nextTls).forEach(cluster -> changes.add("cluster " + cluster + ": tls files renewed"));
        inUse = next;
        backendTls = nextTls;
        return changes;
    }

    /** The health checks' view of the clusters' client contexts. */
    public static Function<String, SslContext> contexts(Map<String, BackendTls> tls) {
        return cluster -> {
            BackendTls clusterTls = tls.get(cluster);
            return clusterTls != null ? clusterTls.context() : null;
        };
    }

    /** Clusters whose TLS settings stayed while their files' contents changed: the reload noted nothing else. */
    private List<String> renewedTls(Map<String, BackendTls> next) {
        return next.entrySet().stream()
                .filter(e -> backendTls.containsKey(e.getKey()) && backendTls.get(e.getKey()) != e.getValue()
                        && backendTls.get(e.getKey()).config().equals(e.getValue().config()))
                .map(Map.Entry::getKey).sorted().toList();
    }
}
