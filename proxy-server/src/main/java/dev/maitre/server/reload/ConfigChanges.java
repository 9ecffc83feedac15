package dev.maitre.server.reload;

import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.Durations;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
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
 * (routes, clusters, the access log, the admin token, the shutdown delay and grace period) and those that need a restart (the set of
 * listeners, anything a listener was bound with, {@code admin.bind}, {@code workers}).
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
        compareListeners(restart, applied, running.listeners(), next.listeners());
        compareClusters(applied, running.clusters(), next.clusters());
        if (running.accessLog().enabled() != next.accessLog().enabled()) {
            applied.add("access log " + (next.accessLog().enabled() ? "on" : "off"));
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

    private static void compareListeners(List<String> restart, List<String> applied, List<ListenerConfig> running,
                                         List<ListenerConfig> next) {
        Map<String, ListenerConfig> before = byName(running, ListenerConfig::name);
        for (int i = 0; i < next.size(); i++) {
            ListenerConfig listener = next.get(i);
            String key = "listeners[" + i + "]";
            ListenerConfig old = before.remove(listener.name());
            if (old == null) {
                restart.add(key + ": listener " + listener.name() + " is new; a restart is needed to bind it");
                continue;
            }
            compare(restart, key + ".bind", old.bind(), listener.bind());
            compare(restart, key + ".protocol", lower(old.protocol()), lower(listener.protocol()));
            compare(restart, key + ".cluster", old.cluster(), listener.cluster());
            compare(restart, key + ".relay", lower(old.relay()), lower(listener.relay()));
            compare(restart, key + ".tls", old.tls(), listener.tls());
            compare(restart, key + ".timeouts", old.timeouts(), listener.timeouts());
            compare(restart, key + ".limits", old.limits(), listener.limits());
            if (!old.routes().equals(listener.routes())) {
                applied.add("listener " + listener.name() + ": routes changed");
            }
        }
        for (ListenerConfig removed : before.values()) {
            restart.add("listeners: listener " + removed.name() + " (" + removed.bind()
                    + ") is gone from the file; a restart is needed to close it");
        }
    }

    private static void compareClusters(List<String> applied, List<ClusterConfig> running, List<ClusterConfig> next) {
        Map<String, ClusterConfig> before = byName(running, ClusterConfig::name);
        for (ClusterConfig cluster : next) {
            ClusterConfig old = before.remove(cluster.name());
            if (old == null) {
                applied.add("cluster " + cluster.name() + " added");
            } else if (!old.equals(cluster)) {
                applied.add("cluster " + cluster.name() + " changed");
            }
        }
        before.keySet().forEach(name -> applied.add("cluster " + name + " removed"));
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
