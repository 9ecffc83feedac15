package dev.maitre.api.config;

import java.util.Objects;

/**
 * Sends matching requests to a cluster.
 *
 * @param host {@code null} for any host; otherwise an exact host name or {@code *.example.com}, which
 *     matches any name ending in {@code .example.com}
 * @param pathPrefix {@code null} for any path; otherwise a prefix the request path must start with
 */
public record RouteConfig(String host, String pathPrefix, String cluster) {

    public RouteConfig {
        Objects.requireNonNull(cluster, "cluster");
    }

    /** A route that matches everything. */
    public static RouteConfig catchAll(String cluster) {
        return new RouteConfig(null, null, cluster);
    }
}
