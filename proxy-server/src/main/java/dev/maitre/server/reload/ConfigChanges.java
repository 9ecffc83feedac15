package dev.maitre.server.reload;

import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.Durations;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.server.access.AccessLogRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What differs between the running configuration and a new one: the changes a reload can apply live
 * (listeners added, removed, moved or reconfigured, routes, clusters and their TLS to backends, the
 * access log (on, off, its format, its file), the admin token, the shutdown delay and grace period, a cluster's discovery) and those that need a restart ({@code admin.bind},
 * {@code workers}).
 *
 * @param restartNeeded one sentence per change a reload cannot apply, naming the key
 * @param applied one short line per change a reload applies, for the log and the admin API's answer
 */
public record ConfigChanges(List<String> restartNeeded, List<String> applied) {

    public ConfigChanges {
        restartNeeded = List.copyOf(restartNeeded);
        applied = List.copyOf(applied);
    }

    /** The changes from {@code running} to {@code next}. */
    public static ConfigChanges between(ProxyConfig running, ProxyConfig next) {
        List<String> restart = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        compare(restart, "admin.bind", running.admin().bind(), next.admin().bind());
        compare(restart, "workers", running.workers(), next.workers());
        compareListeners(applied, running.listeners(), next.listeners());
        compareClusters(applied, running.clusters(), next.clusters());
        if (!running.accessLog().equals(next.accessLog())
                && (running.accessLog().enabled() || next.accessLog().enabled())) {
            applied.add("access log " + AccessLogRuntime.describe(next.accessLog()));
        }
        if (!Objects.equals(running.admin().token(), next.admin().token())) {
            applied.add(!running.admin().hasToken() ? "admin token set"
                    : next.admin().hasToken() ? "admin token changed" : "admin token removed");
        }
        if (!running.shutdownDelay().equals(next.shutdownDelay())) {
            applied.add("shutdownDelay " + Durations.format(next.shutdownDelay()));
        }
        if (!running.shutdownGracePeriod().equals(next.shutdownGracePeriod())) {
            applied.add("shutdownGracePeriod " + Durations.format(next.shutdownGracePeriod()));
        }
        return new ConfigChanges(restart, applied);
    }

    /** Whether a reload can apply every change. */
    public boolean appliesLive() {
        return restartNeeded.isEmpty();
    }

    private static void compareListeners(List<String> applied, List<ListenerConfig> running,
                                         List<ListenerConfig> next) {
        Map<String, ListenerConfig> before = byName(running, ListenerConfig::name);
        for (ListenerConfig listener : next) {
            ListenerConfig old = before.remove(listener.name());
            String name = "listener " + listener.name();
            if (old == null) {
                applied.add(name + " added on " + listener.bind());
                continue;
            }
            if (!old.bind().equals(listener.bind()) || old.protocol() != listener.protocol()) {
                applied.add(name + " moved from " + old.bind() + " (" + lower(old.protocol()) + ") to "
                        + listener.bind() + " (" + lower(listener.protocol()) + ")");
                continue;
            }
            List<String> changed = new ArrayList<>();
            changedKey(changed, "cluster", old.cluster(), listener.cluster());
            changedKey(changed, "relay", old.relay(), listener.relay());
            changedKey(changed, "tls", old.tls(), listener.tls());
            changedKey(changed, "timeouts", old.timeouts(), listener.timeouts());
            changedKey(changed, "limits", old.limits(), listener.limits());
            changedKey(changed, "trustedProxies", old.trustedProxies(), listener.trustedProxies());
            changedKey(changed, "headers", old.headers(), listener.headers());
            changedKey(changed, "upgrades", old.upgrades(), listener.upgrades());
            changedKey(changed, "http2", old.http2(), listener.http2());
            changedKey(changed, "proxyProtocol", old.proxyProtocol(), listener.proxyProtocol());
            if (!changed.isEmpty()) {
                applied.add(name + ": " + String.join(", ", changed) + " changed (for new connections)");
            }
            if (!old.routes().equals(listener.routes())) {
                applied.add(name + ": routes changed");
            }
        }
        before.values().forEach(removed -> applied.add("listener " + removed.name() + " on " + removed.bind()
                + " removed (its connections end after their current exchange)"));
    }

    private static void changedKey(List<String> changed, String key, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changed.add(key);
        }
    }

    private static void compareClusters(List<String> applied, List<ClusterConfig> running, List<ClusterConfig> next) {
        Map<String, ClusterConfig> before = byName(running, ClusterConfig::name);
        for (ClusterConfig cluster : next) {
            ClusterConfig old = before.remove(cluster.name());
            if (old == null) {
                applied.add("cluster " + cluster.name() + " added");
            } else if (!old.equals(cluster)) {
                if (!Objects.equals(old.tls(), cluster.tls())) {
                    // applied like the rest of a cluster: new connections speak the new TLS
                    applied.add("cluster " + cluster.name() + ": tls changed (for new connections)");
                }
                if (old.protocol() != cluster.protocol()) {
                    applied.add("cluster " + cluster.name() + ": protocol changed to " + cluster.protocol().configName()
                            + " (for new connections)");
                }
                if (old.proxyProtocol() != cluster.proxyProtocol()) {
                    applied.add("cluster " + cluster.name() + ": proxyProtocol changed to "
                            + cluster.proxyProtocol().configName() + " (for new connections)");
                }
                if (!Objects.equals(old.discovery(), cluster.discovery())) {
                    applied.add("cluster " + cluster.name() + ": discovery " + (old.discovery() == null ? "added"
                            : cluster.discovery() == null ? "removed" : "changed") + discovered(cluster));
                }
                if (!old.withTransport(cluster.tls(), cluster.protocol()).withProxyProtocol(cluster.proxyProtocol())
                        .withDiscovery(cluster.discovery())
                        .equals(cluster)) {
                    applied.add("cluster " + cluster.name() + " changed");
                }
            }
        }
        before.keySet().forEach(name -> applied.add("cluster " + name + " removed"));
    }

    /** What a cluster's discovery looks up now, and that it starts afresh. */
    private static String discovered(ClusterConfig cluster) {
        return cluster.discovery() == null ? " (its backends found by DNS are dropped)"
                : " (DNS " + cluster.discovery().dns().describe() + ", looked up afresh)";
    }

    private static void compare(List<String> restart, String key, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            restart.add(key + ": changed from " + text(running) + " to " + text(next) + "; a restart is needed");
        }
    }

    private static String text(Object value) {
        return Optional.ofNullable(value).map(Object::toString).orElse("nothing");
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(item -> map.put(name.apply(item), item));
        return map;
    }
}
