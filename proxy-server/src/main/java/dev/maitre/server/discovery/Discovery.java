package dev.maitre.server.discovery;

import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.server.metrics.DiscoveryMetrics;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS discovery of every cluster that has it: one {@link DnsDiscovery} per cluster, all on one
 * event loop of their own ({@code maitre-discovery}), never a worker's. Changes are handed to a
 * {@link Sink} on another thread ({@code maitre-discovery-apply}), one at a time, since applying them
 * rebuilds the health monitor and the engine's tables as a reload does.
 */
public final class Discovery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Discovery.class);

    /** What is told of the backends found, to put them in use. */
    @FunctionalInterface
    public interface Sink {
        /**
         * {@code cluster}, following {@code from}, has {@code backends} now; called on the apply thread,
         * one call at a time.
         */
        void discovered(String cluster, DiscoveryConfig from, List<BackendConfig> backends);
    }

    private final DiscoveryMetrics metrics;
    /** Made with the first discovering cluster: a configuration without one costs no thread. */
    private EventLoopGroup group;
    private EventLoop loop;
    private ExecutorService applier;
    private final Map<String, DnsDiscovery> clusters = new HashMap<>();
    private volatile Sink sink;
    private boolean closed;

    private Discovery(DiscoveryMetrics metrics) {
        this.metrics = metrics;
    }

    private void startThreads() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("maitre-discovery", true),
                    NioIoHandler.newFactory());
            loop = group.next();
            applier = Executors.newSingleThreadExecutor(new DefaultThreadFactory("maitre-discovery-apply", true));
        }
    }

    /** Starts following the clusters of {@code config} that have {@code discovery}. */
    public static Discovery start(ProxyConfig config, DiscoveryMetrics metrics) {
        Discovery discovery = new Discovery(metrics);
        discovery.follow(config);
        return discovery;
    }

    /**
     * Follows {@code config} from now on: clusters whose {@code discovery} is new or changed start
     * afresh, those that no longer have it stop, the others go on as they were.
     */
    public synchronized void follow(ProxyConfig config) {
        if (closed) {
            return;
        }
        Map<String, DnsDiscovery> before = new HashMap<>(clusters);
        clusters.clear();
        for (ClusterConfig cluster : config.clusters()) {
            if (cluster.discovery() == null) {
                continue;
            }
            DnsDiscovery running = before.remove(cluster.name());
            if (running != null && running.discovery().equals(cluster.discovery())) {
                clusters.put(cluster.name(), running);
                continue;
            }
            if (running != null) {
                running.close();
            }
            startThreads();
            DnsDiscovery started = new DnsDiscovery(cluster.name(), cluster.discovery(), loop, metrics, this::changed);
            clusters.put(cluster.name(), started);
            started.start();
        }
        before.values().forEach(gone -> {
            gone.close();
            metrics.forget(gone.cluster());
        });
    }

    /**
     * Waits at most {@code timeout} for the first lookup of every cluster; returns the backends found
     * so far, by cluster. Used at start, so that a cluster is served from its first request.
     */
    public Map<String, List<BackendConfig>> awaitFirst(Duration timeout) throws InterruptedException {
        List<DnsDiscovery> all;
        synchronized (this) {
            all = List.copyOf(clusters.values());
        }
        try {
            CompletableFuture.allOf(all.stream().map(DnsDiscovery::firstAnswer).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("DNS discovery: not every cluster's first lookup ended within {} ms; starting with what was found",
                    timeout.toMillis());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        Map<String, List<BackendConfig>> found = new LinkedHashMap<>();
        all.forEach(d -> {
            if (d.backends() != null) {
                found.put(d.cluster(), d.backends());
            }
        });
        return found;
    }

    /**
     * Hands every change from now on to {@code to}, starting with what is known now (which {@code to}
     * may have had already: applying the same backends again changes nothing).
     */
    public synchronized void deliverTo(Sink to) {
        sink = to;
        clusters.values().forEach(this::changed);
    }

    private void changed(DnsDiscovery discovery) {
        try {
            // the task reads the backends when it runs, so that changes applied late are applied in order
            applier.execute(() -> apply(discovery));
        } catch (RejectedExecutionException e) {
            // closed: nothing more is applied
        }
    }

    private void apply(DnsDiscovery discovery) {
        Sink to = sink;
        List<BackendConfig> backends = discovery.backends();
        if (to == null || backends == null || !isCurrent(discovery)) {
            return;
        }
        try {
            to.discovered(discovery.cluster(), discovery.discovery(), backends);
        } catch (RuntimeException e) {
            log.warn("cluster {}: the backends found by DNS could not be applied: {}", discovery.cluster(),
                    e.toString());
        }
    }

    private synchronized boolean isCurrent(DnsDiscovery discovery) {
        return !closed && clusters.get(discovery.cluster()) == discovery;
    }

    /** Stops every lookup, waiting for a change being applied to end. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            clusters.values().forEach(DnsDiscovery::close);
            clusters.clear();
            if (group == null) {
                return;
            }
        }
        applier.shutdown();
        try {
            applier.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
