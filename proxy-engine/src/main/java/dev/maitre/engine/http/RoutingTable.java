package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.route.Router;
import java.util.Map;

/**
 * What one HTTP listener routes by under one configuration: its routes, the clusters they name and
 * where requests are recorded ({@code accessLog}: {@code null} when the access log is off). Immutable,
 * so that a reload replaces it whole and a request that read it once sees one configuration from start
 * to end.
 */
public record RoutingTable(Router router, Map<String, ClusterRuntime> clusters, AccessLog accessLog) {

    public RoutingTable {
        clusters = Map.copyOf(clusters);
    }

    /** The table of {@code listener}'s routes over {@code clusters}. */
    public static RoutingTable of(ListenerConfig listener, Map<String, ClusterRuntime> clusters, AccessLog accessLog) {
        return new RoutingTable(new Router(listener.routes()), clusters, accessLog);
    }

    ClusterRuntime cluster(String name) {
        return clusters.get(name);
    }
}
