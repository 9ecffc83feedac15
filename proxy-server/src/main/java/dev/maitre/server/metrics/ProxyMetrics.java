package dev.maitre.server.metrics;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.health.HealthState;
import dev.maitre.api.health.Outcome;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.http.Tunnels;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.health.BackendHealth;
import dev.maitre.health.ClusterHealth;
import dev.maitre.health.HealthEvent;
import dev.maitre.health.HealthEventListener;
import dev.maitre.health.HealthMonitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * maitre's metrics in the Prometheus registry, all named {@code maitre_*}: requests per backend by
 * outcome, their latency, requests no backend could take, exchanges ended by the client timeout,
 * health transitions, gauges of each backend's state and load, tunnels ({@link TunnelMetrics}) and
 * listeners' TLS ({@link TlsMetrics}). Counters are created from the configuration, so recording an outcome is
 * a map lookup and an increment, with no allocation and no lock; a reload adds the meters of new
 * backends and clusters and removes those of the ones gone, and publishes the new maps at once.
 */
public final class ProxyMetrics implements OutcomeListener, HealthEventListener, RequestTotals.Source {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> transitions = new HashMap<>();
    private volatile Map<BackendId, BackendMeters> backends = Map.of();
    private volatile Map<String, Counter> noBackend = Map.of();
    private Supplier<HealthMonitor> health;
    private ToIntFunction<BackendId> activeRequests;
    private TunnelMetrics tunnels;
    private TlsMetrics tls;
    private ProxyProtocolMetrics proxyProtocol;
    /** Held here: Micrometer keeps a function counter's object only weakly. */
    private ToLongFunction<String> clientTimeouts;
    private final Map<String, FunctionCounter> clientTimeoutCounters = new HashMap<>();

    private final DiscoveryMetrics discovery = new DiscoveryMetrics(registry);

    public ProxyMetrics(ProxyConfig config) {
        follow(config);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The meters of DNS discovery, in the same registry. */
    public DiscoveryMetrics discovery() {
        return discovery;
    }

    /**
     * Adds the gauges read from the running parts: each backend's state, eligibility and active
     * requests, and the data plane's open connections and buffered bytes.
     *
     * @param health the health monitor in use, read at each scrape (a reload replaces it)
     */
    public synchronized void bind(Supplier<HealthMonitor> health, ToIntFunction<BackendId> activeRequests,
                                  LongSupplier openConnections, LongSupplier bufferedBytes) {
        this.health = health;
        this.activeRequests = activeRequests;
        backends.values().forEach(this::addGauges);
        Gauge.builder("maitre.open.connections", openConnections::getAsLong)
                .description("client connections open now").register(registry);
        Gauge.builder("maitre.buffered.bytes", bufferedBytes::getAsLong)
                .description("bytes read from one side and not yet written to the other").register(registry);
    }

    /**
     * Adds {@code maitre_client_timeouts_total} for each HTTP listener, read from the engine at each
     * scrape; from now on they follow the configuration's listeners like the per-backend meters.
     *
     * @param counts the engine's count of client timeouts of a listener, by its name
     */
    public synchronized void bindClientTimeouts(ProxyConfig config, ToLongFunction<String> counts) {
        clientTimeouts = counts;
        followClientTimeouts(config);
    }

    private void followClientTimeouts(ProxyConfig config) {
        if (clientTimeouts == null) {
            return;
        }
        Map<String, FunctionCounter> next = new HashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.protocol() != Protocol.HTTP) {
                continue;
            }
            String name = listener.name();
            FunctionCounter counter = clientTimeoutCounters.get(name);
            next.put(name, counter != null ? counter
                    : FunctionCounter.builder("maitre.client.timeouts", this, metrics -> metrics.clientTimeoutsOf(name))
                            .description("exchanges ended because their client made no progress for timeouts.client")
                            .tag("listener", name).register(registry));
        }
        clientTimeoutCounters.forEach((name, counter) -> {
            if (!next.containsKey(name)) {
                registry.remove(counter);
            }
        });
        clientTimeoutCounters.clear();
        clientTimeoutCounters.putAll(next);
    }

    /** The engine's count for listener {@code name}; nothing while a reload is taking it away. */
    private double clientTimeoutsOf(String name) {
        try {
            return clientTimeouts.applyAsLong(name);
        } catch (IllegalArgumentException gone) {
            return Double.NaN;
        }
    }

    /**
     * Adds the tunnel meters of each HTTP listener and backend, read from the engine's counts at each
     * scrape; from now on they follow the configuration like the other per-backend meters.
     */
    public synchronized void bindTunnels(ProxyConfig config, Tunnels counts) {
        tunnels = new TunnelMetrics(registry, counts);
        tunnels.follow(config);
    }

    /**
     * Adds the TLS meters of each listener with {@code tls}: handshakes completed and failed, read from
     * the engine's counts, and the days each certificate served has left; from now on they follow the
     * configuration like the other per-listener meters.
     *
     * @param handshakes the engine's handshake counts of a listener, by its name
     * @param certificates the certificates a listener serves now, by its name
     */
    public synchronized void bindTls(ProxyConfig config, Function<String, HandshakeCounts> handshakes,
                                     Function<String, List<ServedCertificate>> certificates) {
        tls = new TlsMetrics(registry, handshakes, certificates, Clock.systemUTC());
        tls.follow(config);
    }

    /** Adds {@code maitre_access_log_dropped_total}: access-log lines dropped because the writer fell behind. */
    public synchronized void bindAccessLog(LongSupplier dropped) {
        FunctionCounter.builder("maitre.access.log.dropped", dropped, LongSupplier::getAsLong)
                .description("access log lines dropped because its writer could not keep up").register(registry);
    }

    /**
     * Adds the PROXY protocol meters of each listener with {@code proxyProtocol: true}, read from the
     * engine's counts; from now on they follow the configuration like the other per-listener meters.
     *
     * @param counts the engine's PROXY header counts of a listener, by its name
     */
    public synchronized void bindProxyProtocol(ProxyConfig config, Function<String, ProxyHeaderCounts> counts) {
        proxyProtocol = new ProxyProtocolMetrics(registry, counts);
        proxyProtocol.follow(config);
    }

    /**
     * Keeps the per-cluster and per-backend meters in step with {@code config}: those of backends and
     * clusters still there go on counting, new ones start at zero, those gone are removed.
     */
    public synchronized void follow(ProxyConfig config) {
        Map<BackendId, BackendMeters> nextBackends = new HashMap<>();
        Map<String, Counter> nextNoBackend = new HashMap<>();
        for (ClusterConfig cluster : config.clusters()) {
            Counter counter = noBackend.get(cluster.name());
            nextNoBackend.put(cluster.name(), counter != null ? counter : Counter.builder("maitre.cluster.no.backend")
                    .description("requests answered 503 because no backend of the cluster was eligible")
                    .tag("cluster", cluster.name()).register(registry));
            for (BackendConfig backend : cluster.backends()) {
                BackendId id = new BackendId(cluster.name(), backend.address());
                BackendMeters meters = backends.get(id);
                if (meters == null) {
                    meters = new BackendMeters(registry, id);
                    if (health != null) {
                        addGauges(meters);
                    }
                }
                nextBackends.put(id, meters);
            }
        }
        noBackend.forEach((cluster, counter) -> {
            if (!nextNoBackend.containsKey(cluster)) {
                registry.remove(counter);
            }
        });
        backends.forEach((id, meters) -> {
            if (!nextBackends.containsKey(id)) {
                meters.meters.forEach(registry::remove);
            }
        });
        backends = Map.copyOf(nextBackends);
        noBackend = Map.copyOf(nextNoBackend);
        if (tunnels != null) {
            tunnels.follow(config);
        }
        if (tls != null) {
            tls.follow(config);
        }
        if (proxyProtocol != null) {
            proxyProtocol.follow(config);
        }
        followClientTimeouts(config);
    }

    private void addGauges(BackendMeters meters) {
        Supplier<HealthMonitor> health = this.health;
        ToIntFunction<BackendId> activeRequests = this.activeRequests;
        BackendId id = meters.id;
        Tags tags = meters.tags;
        for (HealthState state : HealthState.values()) {
            meters.meters.add(Gauge.builder("maitre.backend.state", () -> stateOf(health.get(), id) == state ? 1 : 0)
                    .description("1 for the state the backend is in, 0 for the others")
                    .tags(tags).tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        meters.meters.add(Gauge.builder("maitre.backend.eligible", () -> isEligible(health.get(), id) ? 1 : 0)
                .description("1 while the backend may get new requests").tags(tags).register(registry));
        meters.meters.add(Gauge.builder("maitre.backend.active.requests", () -> activeRequests.applyAsInt(id))
                .description("requests the backend is serving now").tags(tags).register(registry));
    }

    @Override
    public void onOutcome(Outcome outcome) {
        Endpoint endpoint = outcome.endpoint();
        if (endpoint == null) {
            Counter counter = noBackend.get(outcome.cluster());
            if (counter != null) {
                counter.increment();
            }
            return;
        }
        BackendMeters meters = backends.get(endpoint.id());
        if (meters != null) {
            meters.record(outcome);
        }
    }

    @Override
    public void onEvent(HealthEvent event) {
        String key = event.cluster() + "|" + event.backend() + "|" + event.kind() + "|" + event.to();
        Counter counter;
        synchronized (transitions) {
            counter = transitions.computeIfAbsent(key, k -> Counter.builder("maitre.health.events")
                    .description("health transitions and ejections of a backend")
                    .tag("cluster", event.cluster()).tag("backend", event.backend().toString())
                    .tag("kind", event.kind().name().toLowerCase(Locale.ROOT))
                    .tag("to", event.to().name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        counter.increment();
    }

    @Override
    public RequestTotals backend(BackendId backend) {
        BackendMeters meters = backends.get(backend);
        return meters == null ? null : meters.totals();
    }

    @Override
    public long noBackend(String cluster) {
        Counter counter = noBackend.get(cluster);
        return counter == null ? 0 : (long) counter.count();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        refreshTls();
        return registry.scrape();
    }

    private synchronized void refreshTls() {
        if (tls != null) {
            tls.refresh();
        }
    }

    private static HealthState stateOf(HealthMonitor health, BackendId id) {
        BackendHealth backend = find(health, id);
        return backend == null ? null : backend.state();
    }

    private static boolean isEligible(HealthMonitor health, BackendId id) {
        BackendHealth backend = find(health, id);
        return backend != null && backend.eligible();
    }

    private static BackendHealth find(HealthMonitor health, BackendId id) {
        ClusterHealth cluster = health.cluster(id.cluster()).orElse(null);
        if (cluster == null) {
            return null;
        }
        for (BackendHealth backend : cluster.backends()) {
            if (backend.address().equals(id.address())) {
                return backend;
            }
        }
        return null;
    }
}
