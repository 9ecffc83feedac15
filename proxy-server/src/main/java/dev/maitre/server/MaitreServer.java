package dev.maitre.server;

import ch.qos.logback.classic.Level;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.EngineStartException;
import dev.maitre.engine.ProxyEngine;
import dev.maitre.health.HealthMonitor;
import dev.maitre.server.metrics.ProxyMetrics;
import dev.maitre.server.admin.AdminServer;
import dev.maitre.server.admin.AdminStartException;
import dev.maitre.server.check.DurationText;
import dev.maitre.server.check.HealthCheckAdvice;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running maitre for one configuration: the health monitor deciding which backends get requests,
 * the engine serving them and the admin API showing both, until it is stopped. Logs what it serves
 * when it starts and when it stops.
 */
public final class MaitreServer {

    private static final Logger log = LoggerFactory.getLogger(MaitreServer.class);

    /** The logger the engine writes access lines to. */
    static final String ACCESS_LOGGER = "maitre.access";

    /** How much longer than the grace period stopping may take before maitre exits regardless. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    private final ProxyConfig config;
    private final HealthMonitor health;
    private final ProxyEngine engine;
    private final AdminServer admin;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private MaitreServer(ProxyConfig config, HealthMonitor health, ProxyEngine engine, AdminServer admin) {
        this.config = config;
        this.health = health;
        this.engine = engine;
        this.admin = admin;
    }

    /**
     * Serves {@code config} until SIGTERM or SIGINT, then stops gracefully and returns.
     *
     * @param onStarted called once every listener is bound, for instance to print what to try
     * @throws EngineStartException when a listener cannot be bound
     * @throws AdminStartException when the admin API cannot be bound
     */
    public static void run(ProxyConfig config, Consumer<MaitreServer> onStarted)
            throws EngineStartException, AdminStartException, InterruptedException {
        StopSignal stop = StopSignal.install(config.shutdownGracePeriod().plus(STOP_MARGIN));
        try {
            MaitreServer server = start(config);
            String reason = "stop requested";
            try {
                onStarted.accept(server);
                reason = stop.await();
            } finally {
                server.stop(reason);
            }
        } finally {
            stop.done();
        }
    }

    /**
     * Starts serving {@code config}.
     *
     * @throws EngineStartException when a listener cannot be bound
     * @throws AdminStartException when the admin API cannot be bound
     */
    public static MaitreServer start(ProxyConfig config) throws EngineStartException, AdminStartException {
        long startNanos = System.nanoTime();
        log.info("maitre {} on {}", Version.maitre(), Version.jvm());
        if (config.accessLog().enabled()) {
            enableAccessLog();
        }
        // checks run before the first request, so a backend down at start leaves rotation soon
        ProxyMetrics metrics = new ProxyMetrics(config);
        HealthMonitor health = HealthMonitor.builder(config).listener(metrics).build();
        health.start();
        ProxyEngine engine;
        try {
            engine = ProxyEngine.start(config, health, health.andThen(metrics));
        } catch (EngineStartException | RuntimeException e) {
            health.close();
            throw e;
        }
        AdminServer admin;
        try {
            metrics.bind(health, engine::activeRequests, engine::openConnections, engine::bufferedBytes);
            admin = AdminServer.start(config, health, engine::activeRequests, metrics::scrape);
        } catch (AdminStartException | RuntimeException e) {
            engine.shutdown(Duration.ZERO).join();
            health.close();
            throw e;
        }
        MaitreServer server = new MaitreServer(config, health, engine, admin);
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
     * Stops accepting connections, lets in-flight requests finish within the configured grace period,
     * then closes everything; the admin API and the health checks go on until the engine has stopped.
     * Only the first call does anything.
     */
    public void stop(String reason) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Duration grace = config.shutdownGracePeriod();
        log.info("{}: shutting down, in-flight requests have {} to finish", reason, DurationText.of(grace));
        long startNanos = System.nanoTime();
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
            health.close();
        }
    }

    private void logServing() {
        for (ListenerConfig listener : config.listeners()) {
            log.info("listener {} ({}{}) on {}", listener.name(), listener.protocol().name().toLowerCase(Locale.ROOT),
                    listener.tls() != null ? ", tls" : "", address(engine.address(listener.name())));
        }
        for (ClusterConfig cluster : config.clusters()) {
            log.info("cluster {} ({}): {}", cluster.name(), cluster.balancer().configName(),
                    cluster.backends().stream().map(MaitreServer::backend).collect(Collectors.joining(", ")));
            if (cluster.healthCheck() != null) {
                for (String advice : HealthCheckAdvice.of(cluster.healthCheck())) {
                    log.warn("cluster {}: {}", cluster.name(), advice);
                }
            }
        }
        log.info("admin API on http://{}/api/clusters", address(admin.address()));
        if (config.accessLog().enabled()) {
            log.info("access log on (logger {})", ACCESS_LOGGER);
        }
    }

    private static String backend(BackendConfig backend) {
        return backend.weight() == 1 ? backend.address().toString()
                : backend.address() + " (weight " + backend.weight() + ")";
    }

    private static String address(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }

    /** The packaged logback.xml keeps the access logger off so that nothing is written unless asked for. */
    private static void enableAccessLog() {
        if (LoggerFactory.getLogger(ACCESS_LOGGER) instanceof ch.qos.logback.classic.Logger access
                && !access.isInfoEnabled()) {
            access.setLevel(Level.INFO);
        }
    }
}
