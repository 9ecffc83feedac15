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
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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

    /** The outcome label of a request: its status class, or what went wrong. */
    private static final String[] OUTCOMES = {
        "1xx", "2xx", "3xx", "4xx", "5xx", "connect_failure", "reset", "timeout", "invalid_response",
    };

    /** The lower end of the latency histogram: a backend on the same host answers within a millisecond. */
    private static final Duration SHORTEST_LATENCY = Duration.ofNanos(100_000);

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

    /** The counters, timer and gauges of one backend, created once. */
    private static final class BackendMeters {
        private final BackendId id;
        private final Tags tags;
        // Written by the event loops too (gRPC counters, made when first needed), read by a reload.
        private final List<Meter> meters = new CopyOnWriteArrayList<>();
        private final Counter[] outcomes = new Counter[OUTCOMES.length];
        private final Timer latency;
        /** By gRPC status (0 to 16), made when a status is first seen: most backends serve no gRPC. */
        private final Counter[] grpc = new Counter[17];
        private final PrometheusMeterRegistry registry;

        BackendMeters(PrometheusMeterRegistry registry, BackendId id) {
            this.registry = registry;
            this.id = id;
            this.tags = Tags.of("cluster", id.cluster(), "backend", id.address().toString());
            for (int i = 0; i < OUTCOMES.length; i++) {
                outcomes[i] = Counter.builder("maitre.backend.requests")
                        .description("requests sent to the backend, by status class or failure")
                        .tags(tags).tag("outcome", OUTCOMES[i]).register(registry);
                meters.add(outcomes[i]);
            }
            // buckets, so that percentiles can be had for any span from their differences
            latency = Timer.builder("maitre.backend.request")
                    .description("time from sending a request to the backend to the end of its answer or failure")
                    .publishPercentileHistogram().minimumExpectedValue(SHORTEST_LATENCY)
                    .tags(tags).register(registry);
            meters.add(latency);
        }

        void record(Outcome outcome) {
            int index = switch (outcome.kind()) {
                case RESPONSE -> Math.min(4, Math.max(0, outcome.status() / 100 - 1));
                case CONNECT_FAILURE -> 5;
                case RESET -> 6;
                case TIMEOUT -> 7;
                case INVALID_RESPONSE -> 8;
                case NO_BACKEND -> -1;
            };
            if (index >= 0) {
                outcomes[index].increment();
                latency.record(outcome.latencyNanos(), TimeUnit.NANOSECONDS);
            }
            int status = outcome.grpcStatus();
            if (status >= 0 && status < grpc.length) {
                grpcCounter(status).increment();
            }
        }

        /** Outcomes from 5xx on (index 4) are errors: the backend's or maitre's own failures. */
        RequestTotals totals() {
            long requests = 0;
            long errors = 0;
            for (int i = 0; i < outcomes.length; i++) {
                long count = (long) outcomes[i].count();
                requests += count;
                errors += i >= 4 ? count : 0;
            }
            HistogramSnapshot snapshot = latency.takeSnapshot();
            CountAtBucket[] buckets = snapshot.histogramCounts();
            long[] bounds = new long[buckets.length];
            long[] counts = new long[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                bounds[i] = (long) buckets[i].bucket(TimeUnit.NANOSECONDS);
                counts[i] = (long) buckets[i].count();
            }
            return new RequestTotals(requests, errors, snapshot.count(), bounds, counts);
        }

        private Counter grpcCounter(int status) {
            Counter counter = grpc[status];
            if (counter == null) {
                synchronized (this) {
                    counter = grpc[status];
                    if (counter == null) {
                        counter = Counter.builder("maitre.backend.grpc.responses")
                                .description("gRPC calls the backend answered, by the grpc-status they ended with")
                                .tags(tags).tag("grpc_status", Integer.toString(status)).register(registry);
                        meters.add(counter);
                        grpc[status] = counter;
                    }
                }
            }
            return counter;
        }
    }
}
