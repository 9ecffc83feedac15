package dev.maitre.server.admin;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/** {@code GET /api/listeners}: each listener with its address, protocol, TLS, open connections and routes. */
final class ListenersResource implements AdminResource {

    record Listeners(List<ListenerView> listeners) {
    }

    /**
     * @param bind as configured
     * @param address where it listens (the port chosen when {@code bind} names port 0)
     * @param protocol {@code http} or {@code tcp}
     * @param connections client connections open now
     * @param routes for {@code http}: first match wins; empty for {@code tcp}
     * @param cluster for {@code tcp}: the one cluster; {@code null} for {@code http}
     */
    record ListenerView(String name, String bind, String address, String protocol, boolean tls, int connections,
                        List<RouteView> routes, String cluster) {
    }

    /** A route; {@code null} host or path prefix matches any. */
    record RouteView(String host, String pathPrefix, String cluster) {
    }

    private final Supplier<ProxyConfig> config;
    private final Function<String, InetSocketAddress> addresses;
    private final ToIntFunction<String> connections;

    /**
     * @param addresses where a listener is bound, by its name
     * @param connections a listener's client connections open now, by its name
     */
    ListenersResource(Supplier<ProxyConfig> config, Function<String, InetSocketAddress> addresses,
                      ToIntFunction<String> connections) {
        this.config = config;
        this.addresses = addresses;
        this.connections = connections;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "listeners")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/listeners", "GET");
        }
        return AdminResponse.json(HttpResponseStatus.OK,
                new Listeners(config.get().listeners().stream().map(this::listener).toList()));
    }

    private ListenerView listener(ListenerConfig listener) {
        InetSocketAddress address = addresses.apply(listener.name());
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        String bound = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        return new ListenerView(listener.name(), listener.bind().toString(), bound,
                listener.protocol().name().toLowerCase(Locale.ROOT), listener.tls() != null,
                connections.applyAsInt(listener.name()), listener.routes().stream().map(ListenersResource::route).toList(),
                listener.cluster());
    }

    private static RouteView route(RouteConfig route) {
        return new RouteView(route.host(), route.pathPrefix(), route.cluster());
    }
}
