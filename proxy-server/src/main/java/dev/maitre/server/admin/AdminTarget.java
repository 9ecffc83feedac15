package dev.maitre.server.admin;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.health.HealthMonitor;
import dev.maitre.server.metrics.RequestTotals;
import dev.maitre.server.reload.ReloadResult;
import java.net.InetSocketAddress;

/**
 * The running proxy as the admin API sees it. Read anew for every request, so that after a reload
 * the answers show the new configuration and health monitor.
 */
public interface AdminTarget {

    /** The configuration in use. */
    ProxyConfig config();

    /** The health monitor in use. */
    HealthMonitor health();

    /** The requests {@code backend} is serving now, as the data plane counts them. */
    int activeRequests(BackendId backend);

    /** The tunnels (upgraded connections) to {@code backend} open now; each is one of its active requests too. */
    long openTunnels(BackendId backend);

    /** Where listener {@code name} is bound. */
    InetSocketAddress listenerAddress(String name);

    /** Client connections of listener {@code name} open now. */
    int listenerConnections(String name);

    /** The request totals of each backend, from which the dashboard's history is sampled. */
    RequestTotals.Source requestTotals();

    /**
     * Where {@code backend} of the configuration in use came from: {@code static} when the file lists
     * it, {@code dns} when DNS discovery found it.
     */
    default String origin(BackendId backend) {
        return "static";
    }

    /** The metrics in the Prometheus text format. */
    String metrics();

    /**
     * Re-reads the configuration file and applies it, or changes nothing and says why. Called off
     * the admin event loop; it may take a while.
     */
    ReloadResult reload();

    /** Whether maitre takes new clients: true from start until a stop (SIGTERM) is asked for. */
    boolean ready();
}
