package dev.maitre.engine.route;

import dev.maitre.api.config.RouteConfig;
import java.util.List;
import java.util.Locale;

/**
 * Matches a request's host and path against a listener's routes; the first match wins. A path prefix
 * matches whole segments: {@code /api} takes {@code /api} and {@code /api/x} but not {@code /apiary};
 * a prefix that ends in {@code /} takes every path that starts with it.
 */
public final class Router {

    private final Route[] routes;

    public Router(List<RouteConfig> configs) {
        routes = configs.stream().map(Route::new).toArray(Route[]::new);
    }

    /**
     * The cluster for a request, or {@code null} when no route matches.
     *
     * @param host the request's host without port, lower case; {@code null} when the request had none
     * @param path the request path (without query) as routes see it: dot segments resolved, repeated
     *     slashes merged, percent-encoded unreserved characters decoded
     */
    public String route(String host, String path) {
        for (Route route : routes) {
            if (route.matches(host, path)) {
                return route.cluster;
            }
        }
        return null;
    }

    private static final class Route {
        private final String exactHost;
        private final String hostSuffix;
        private final String pathPrefix;
        private final String cluster;

        Route(RouteConfig config) {
            String host = config.host() == null ? null : config.host().toLowerCase(Locale.ROOT);
            if (host != null && host.startsWith("*.")) {
                exactHost = null;
                hostSuffix = host.substring(1);
            } else {
                exactHost = host;
                hostSuffix = null;
            }
            pathPrefix = config.pathPrefix() == null ? null : RoutingPath.of(config.pathPrefix());
            cluster = config.cluster();
        }

        boolean matches(String host, String path) {
            if (exactHost != null && !exactHost.equals(host)) {
                return false;
            }
            if (hostSuffix != null && (host == null || host.length() <= hostSuffix.length()
                    || !host.endsWith(hostSuffix))) {
                return false;
            }
            if (pathPrefix == null) {
                return true;
            }
            int length = pathPrefix.length();
            return path.startsWith(pathPrefix)
                    && (path.length() == length || path.charAt(length) == '/' || pathPrefix.charAt(length - 1) == '/');
        }
    }
}
