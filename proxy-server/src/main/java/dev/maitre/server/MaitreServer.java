package dev.maitre.server;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.EngineStartException;
import dev.maitre.engine.ProxyEngine;
import dev.maitre.engine.pool.BackendTls;
import dev.maitre.health.HealthMonitor;
import dev.maitre.server.admin.AdminServer;
import dev.maitre.server.admin.AdminStartException;
import dev.maitre.server.admin.AdminTarget;
import dev.maitre.server.access.AccessLogRuntime;
import dev.maitre.server.check.DurationText;
import dev.maitre.server.check.HealthCheckAdvice;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.server.discovery.Discovery;
import dev.maitre.server.metrics.ProxyMetrics;
import dev.maitre.server.metrics.RequestTotals;
import dev.maitre.server.reload.CurrentHealth;
import dev.maitre.server.reload.DiscoveredBackends;
import dev.maitre.server.reload.LiveConfig;
import dev.maitre.server.reload.ReloadResult;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running maitre: the health monitor deciding which backends get requests, the engine serving
 * them and the admin API showing both, until it is stopped. Logs what it serves when it starts and
 * when it stops. When started from a file, {@link #reload} re-reads it and applies what can change
 * live.
 */
public final class MaitreServer {

    private static final Logger log = LoggerFactory.getLogger(MaitreServer.class);

    /** How much longer than the grace period stopping may take before maitre exits regardless. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    /** How long start waits for the first DNS answers of the clusters that discover their backends. */
    private static final Duration FIRST_DISCOVERY = Duration.ofSeconds(5);

    private final Path configFile;
    private final ProxyMetrics metrics;
    private final CurrentHealth health;
    private final ProxyEngine engine;
    private final AccessLogRuntime accessLog;
    private final LiveConfig live;
    private final Discovery discovery;
    private AdminServer admin;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private MaitreServer(LiveConfig live, Discovery discovery, Path configFile, ProxyMetrics metrics,
                         CurrentHealth health, ProxyEngine engine, AccessLogRuntime accessLog) {
        this.live = live;
        this.discovery = discovery;
        this.configFile = configFile;
        this.metrics = metrics;
        this.health = health;
        this.engine = engine;
        this.accessLog = accessLog;
    }

    /**
     * Serves {@code config} until SIGTERM or SIGINT, then stops gracefully and returns. SIGHUP
     * reloads {@code configFile}; SIGUSR1 reopens the access log's file.
     *
     * @param configFile the file {@code config} was read from; {@code null} when there is none to reload
     * @param onStarted called once every listener is bound, for instance to print what to try
     * @throws EngineStartException when a listener cannot be bound
     * @throws AdminStartException when the admin API cannot be bound
     */
    public static void run(ProxyConfig config, Path configFile, Consumer<MaitreServer> onStarted)
            throws EngineStartException, AdminStartException, InterruptedException {
        ActionSignal reloadSignal = ActionSignal.reload();
        ActionSignal reopenSignal = ActionSignal.reopen();
        AtomicReference<MaitreServer> started = new AtomicReference<>();
        StopSignal stop = StopSignal.install(() -> stopTime(started.get() != null ? started.get().live.inUse() : config));
        try {
            MaitreServer server = start(config, configFile);
            started.set(server);
            String reason = "stop requested";
            try {
                reloadSignal.doWith(() -> server.reload("SIGHUP"));
                reopenSignal.doWith(server.accessLog::reopen);
                onStarted.accept(server);
                reason = stop.await();
            } finally {
                reloadSignal.doWith(null);
                reopenSignal.doWith(null);
                server.stop(reason);
            }
        } finally {
            stop.done();
        }
    }

    /**
     * Starts serving {@code config}, with no file to reload.
     *
     * @throws EngineStartException when a listener cannot be bound
     * @throws AdminStartException when the admin API cannot be bound
     */
    public static MaitreServer start(ProxyConfig config) throws EngineStartException, AdminStartException {
        return start(config, null);
    }

    /**
     * Starts serving {@code config}, read from {@code configFile}.
     *
     * @param configFile the file {@link #reload} re-reads; {@code null} when there is none
     * @throws EngineStartException when a listener cannot be bound
     * @throws AdminStartException when the admin API cannot be bound
     */
    public static MaitreServer start(ProxyConfig file, Path configFile)
            throws EngineStartException, AdminStartException {
        long startNanos = System.nanoTime();
        log.info("maitre {} on {}", Version.maitre(), Version.jvm());
        ProxyMetrics metrics = new ProxyMetrics(file);
        Discovery discovery = Discovery.start(file, metrics.discovery());
        DiscoveredBackends found;
        try {
            found = DiscoveredBackends.of(file, discovery.awaitFirst(FIRST_DISCOVERY));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discovery.close();
            throw new EngineStartException("interrupted while waiting for the first DNS answers", e);
        }
        ProxyConfig config = found.applyTo(file);
        metrics.follow(config);
        // checks run before the first request, so a backend down at start leaves rotation soon
        Map<String, BackendTls> tls;
        AccessLogRuntime accessLog;
        try {
            tls = BackendTls.forClusters(config, Map.of());
            accessLog = AccessLogRuntime.start(config.accessLog());
        } catch (IllegalArgumentException e) {
            discovery.close();
            throw new EngineStartException(e.getMessage(), e);
        }
        HealthMonitor monitor = HealthMonitor.builder(config).listener(metrics).clientTls(LiveConfig.contexts(tls))
                .build();
        monitor.start();
        CurrentHealth health = new CurrentHealth(monitor, metrics);
        ProxyEngine engine;
        try {
            engine = ProxyEngine.start(config, tls, health, health, accessLog.records());
        } catch (EngineStartException | RuntimeException e) {
            monitor.close();
            accessLog.close();
            discovery.close();
            throw e;
        }
        LiveConfig live = new LiveConfig(file, found, config, tls, metrics, health, engine, accessLog);
        MaitreServer server = new MaitreServer(live, discovery, configFile, metrics, health, engine, accessLog);
        try {
            metrics.bind(health::monitor, engine::activeRequests, engine::openConnections, engine::bufferedBytes);
            metrics.bindClientTimeouts(config, engine::clientTimeouts);
            metrics.bindTunnels(config, engine.tunnels());
            metrics.bindTls(config, engine::tlsHandshakes, engine::tlsCertificates);
            metrics.bindProxyProtocol(config, engine::proxyHeaders);
            metrics.bindAccessLog(accessLog::dropped);
            server.admin = AdminServer.start(config.admin().bind(), server.new Admin());
        } catch (AdminStartException | RuntimeException e) {
            discovery.close();
            engine.shutdown(Duration.ZERO).join();
            monitor.close();
            accessLog.close();
            throw e;
        }
        discovery.deliverTo(live::discovered);
        server.logServing();
        log.info("started in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        return server;
    }

    /** The address listener {@code name} is bound to. */
    public InetSocketAddress address(String listenerName) {
        return engine.address(listenerName);
    }

    /** The address the admin API listens on. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /**
     * Says no longer ready ({@code GET /ready} answers 503) and lets the listeners serve for the
     * configured {@code shutdownDelay}, so that load balancers stop sending new clients first; then
     * stops accepting connections, lets in-flight requests finish within the grace period and
     * closes everything. The admin API and the health checks go on until the engine has stopped.
     * Only the first call does anything.
     */
    public void stop(String reason) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        ProxyConfig config = live.inUse();
        Duration delay = config.shutdownDelay();
        if (!delay.isZero()) {
            log.info("{}: not ready; listeners go on serving for {} (shutdownDelay)", reason, DurationText.of(delay));
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration grace = config.shutdownGracePeriod();
        log.info("{}: shutting down, in-flight requests have {} to finish", reason, DurationText.of(grace));
        long startNanos = System.nanoTime();
        // the backends in use stay as they are while requests finish
        discovery.close();
        try {
            engine.shutdown(grace).get(grace.plus(STOP_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            log.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        } catch (TimeoutException e) {
            log.warn("not stopped after {}; exiting anyway", DurationText.of(grace.plus(STOP_MARGIN)));
        } catch (ExecutionException e) {
            log.warn("stopped with an error: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while stopping; exiting without waiting further");
        } finally {
            admin.close();
            live.close();
            accessLog.close();
        }
    }

    /**
     * Re-reads the configuration file and applies it: routes, clusters, health checks and the access
     * log change for new requests, while those in flight finish as they started. When the file is
     * invalid, or changes what only a restart can (listeners, {@code admin.bind}, {@code workers}),
     * nothing changes. Reads the file on the calling thread, never an event loop's. Logs the result
     * in one line.
     *
     * @param trigger what asked for the reload, for the log: {@code SIGHUP}, {@code POST /api/reload}
     */
    public synchronized ReloadResult reload(String trigger) {
        ReloadResult result = tryReload();
        if (result.outcome() == ReloadResult.Outcome.RELOADED) {
            log.info("{}: {}", trigger, result.describe());
        } else {
            log.warn("{}: {}", trigger, result.describe());
        }
        return result;
    }

    private ReloadResult tryReload() {
        if (stopped.get()) {
            return ReloadResult.unavailable("maitre is stopping");
        }
        if (configFile == null) {
            return ReloadResult.unavailable("there is no configuration file to reload: maitre runs on the demo's "
                    + "embedded configuration (start it with --config FILE to reload)");
        }
        ProxyConfig next;
        try {
            next = YamlConfigLoader.load(configFile);
        } catch (ConfigException e) {
            return ReloadResult.rejected(e.errors().stream().map(ConfigError::toString).toList());
        }
        ReloadResult result = live.reload(next);
        if (result.outcome() == ReloadResult.Outcome.RELOADED) {
            discovery.follow(next);
        }
        return result;
    }

    private void logServing() {
        ProxyConfig config = live.inUse();
        for (ListenerConfig listener : config.listeners()) {
            log.info("listener {} ({}{}) on {}", listener.name(), listener.protocol().name().toLowerCase(Locale.ROOT),
                    listener.tls() != null ? ", tls" : "", address(engine.address(listener.name())));
        }
        for (ClusterConfig cluster : config.clusters()) {
            log.info("cluster {} ({}): {}", cluster.name(), cluster.balancer().configName(),
                    cluster.backends().stream().map(MaitreServer::backend).collect(Collectors.joining(", "))
                            + (cluster.discovery() != null ? (cluster.backends().isEmpty() ? "" : ", ")
                            + "DNS " + cluster.discovery().dns().describe() : ""));
            if (cluster.healthCheck() != null) {
                for (String advice : HealthCheckAdvice.of(cluster.healthCheck())) {
                    log.warn("cluster {}: {}", cluster.name(), advice);
                }
            }
        }
        log.info("admin API on http://{}/api/clusters", address(admin.address()));
        if (config.accessLog().enabled()) {
            log.info("access log {}", AccessLogRuntime.describe(config.accessLog()));
        }
    }

    /** What the admin API shows and acts on: whatever is in use when it asks. */
    private final class Admin implements AdminTarget {

        @Override
        public ProxyConfig config() {
            return live.inUse();
        }

        @Override
        public String origin(BackendId backend) {
            return live.origin(backend);
        }

        @Override
        public HealthMonitor health() {
            return health.monitor();
        }

        @Override
        public int activeRequests(BackendId backend) {
            return engine.activeRequests(backend);
        }

        @Override
        public long openTunnels(BackendId backend) {
            return engine.tunnels().ofBackend(backend).open();
        }

        @Override
        public InetSocketAddress listenerAddress(String name) {
            return engine.address(name);
        }

        @Override
        public int listenerConnections(String name) {
            return engine.connections(name);
        }

        @Override
        public RequestTotals.Source requestTotals() {
            return metrics;
        }

        @Override
        public String metrics() {
            return metrics.scrape();
        }

        @Override
        public ReloadResult reload() {
            return MaitreServer.this.reload("POST /api/reload");
        }

        @Override
        public boolean ready() {
            return !stopped.get();
        }
    }

    /** How long stopping under {@code config} may take before maitre exits regardless. */
    private static Duration stopTime(ProxyConfig config) {
        return config.shutdownDelay().plus(config.shutdownGracePeriod()).plus(STOP_MARGIN);
    }

    private static String backend(BackendConfig backend) {
        return backend.weight() == 1 ? backend.address().toString()
                : backend.address() + " (weight " + backend.weight() + ")";
    }

    private static String address(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
