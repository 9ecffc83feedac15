package dev.maitre.server.metrics;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts.Refusal;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The PROXY protocol meters of each listener with {@code proxyProtocol: true}: headers read, and
 * connections closed for want of a good one by reason, read from the engine's
 * {@link ProxyHeaderCounts} by the listener's name when scraped. Kept in step with the configuration
 * like the other per-listener meters; the caller serializes calls.
 */
final class ProxyProtocolMetrics {

    private final MeterRegistry registry;
    private final Function<String, ProxyHeaderCounts> counts;
    private final Map<String, List<Meter>> listeners = new HashMap<>();

    /** @param counts the engine's counts of a listener, by its name */
    ProxyProtocolMetrics(MeterRegistry registry, Function<String, ProxyHeaderCounts> counts) {
        this.registry = registry;
        this.counts = counts;
    }

    /** Adds the meters of listeners that read the header new in {@code config}, removes those of the others. */
    void follow(ProxyConfig config) {
        Map<String, List<Meter>> next = new HashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.proxyProtocol()) {
                List<Meter> meters = listeners.remove(listener.name());
                next.put(listener.name(), meters != null ? meters : register(listener.name()));
            }
        }
        listeners.values().forEach(meters -> meters.forEach(registry::remove));
        listeners.clear();
        listeners.putAll(next);
    }

    private List<Meter> register(String listener) {
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("maitre.proxy.protocol.headers", this, m -> m.read(listener))
                .description("PROXY protocol headers read from the listener's trusted proxies")
                .tag("listener", listener).register(registry));
        for (Refusal refusal : Refusal.values()) {
            meters.add(FunctionCounter.builder("maitre.proxy.protocol.refused", this, m -> m.refused(listener, refusal))
                    .description("connections closed for want of a good PROXY protocol header, by reason")
                    .tag("listener", listener).tag("reason", refusal.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        return meters;
    }

    private double read(String listener) {
        ProxyHeaderCounts of = countsOf(listener);
        return of == null ? Double.NaN : of.read();
    }

    private double refused(String listener, Refusal refusal) {
        ProxyHeaderCounts of = countsOf(listener);
        return of == null ? Double.NaN : of.refused(refusal);
    }

    /** The engine's counts; none while a reload is taking the listener away. */
    private ProxyHeaderCounts countsOf(String listener) {
        try {
            return counts.apply(listener);
        } catch (IllegalArgumentException gone) {
            return null;
        }
    }
}
