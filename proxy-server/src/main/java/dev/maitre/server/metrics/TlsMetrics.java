package dev.maitre.server.metrics;

import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.HandshakeCounts.Negotiated;
import dev.maitre.engine.tls.HandshakeFailure;
import dev.maitre.engine.tls.ServedCertificate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The TLS meters of each listener with {@code tls}: its clients' handshakes, completed by protocol and
 * cipher suite and failed by reason, and the days each certificate it serves has left. The handshakes
 * are the engine's {@link HandshakeCounts}, read by the listener's name when scraped; a protocol and
 * cipher suite gets its counter at the first scrape after its first handshake. The certificates are
 * those the listener serves at the scrape, so a reload that loads a renewed file shows its new date.
 * Kept in step with the configuration like the other per-listener meters; the caller serializes calls.
 */
final class TlsMetrics {

    private final MeterRegistry registry;
    private final Function<String, HandshakeCounts> handshakes;
    private final Function<String, List<ServedCertificate>> certificates;
    private final Clock clock;
    private final Map<String, ListenerMeters> listeners = new HashMap<>();

    /**
     * @param handshakes the engine's counts of a listener, by its name
     * @param certificates the certificates a listener serves now, by its name
     */
    TlsMetrics(MeterRegistry registry, Function<String, HandshakeCounts> handshakes,
               Function<String, List<ServedCertificate>> certificates, Clock clock) {
        this.registry = registry;
        this.handshakes = handshakes;
        this.certificates = certificates;
        this.clock = clock;
    }

    /** Adds the meters of listeners with TLS new in {@code config}, removes those of the ones gone or now clear. */
    void follow(ProxyConfig config) {
        Map<String, ListenerMeters> next = new HashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tls() != null) {
                ListenerMeters meters = listeners.remove(listener.name());
                next.put(listener.name(), meters != null ? meters : new ListenerMeters(listener.name()));
            }
        }
        listeners.values().forEach(ListenerMeters::remove);
        listeners.clear();
        listeners.putAll(next);
    }

    /** Before a scrape: counters for protocols and cipher suites newly seen, gauges for the certificates served now. */
    void refresh() {
        listeners.values().forEach(ListenerMeters::refresh);
    }

    /** A listener's meters; its handshake counts and certificates are looked up by name, so a listener rebuilt under the same name is found. */
    private final class ListenerMeters {
        private final String listener;
        private final List<Meter> failures = new ArrayList<>();
        private final Map<Negotiated, Meter> completed = new HashMap<>();
        private final Map<List<String>, Expiry> expiries = new HashMap<>();

        ListenerMeters(String listener) {
            this.listener = listener;
            for (HandshakeFailure reason : HandshakeFailure.values()) {
                failures.add(FunctionCounter.builder("maitre.tls.handshake.failures", this, m -> m.failed(reason))
                        .description("TLS handshakes of the listener's clients that failed, by reason")
                        .tag("listener", listener).tag("reason", reason.label()).register(registry));
            }
        }

        void refresh() {
            HandshakeCounts counts = counts();
            if (counts != null) {
                for (Negotiated negotiated : counts.completed().keySet()) {
                    completed.computeIfAbsent(negotiated, n -> FunctionCounter
                            .builder("maitre.tls.handshakes", this, m -> m.completed(n))
                            .description("TLS handshakes of the listener's clients that completed, by protocol and cipher")
                            .tag("listener", listener).tag("protocol", n.protocol()).tag("cipher", n.cipherSuite())
                            .register(registry));
                }
            }
            List<ServedCertificate> served;
            try {
                served = certificates.apply(listener);
            } catch (IllegalArgumentException gone) {
                return;
            }
            Map<List<String>, Expiry> next = new HashMap<>();
            for (ServedCertificate certificate : served) {
                List<String> key = List.of(certificate.files().certFile().toString(), certificate.subject());
                Expiry expiry = expiries.remove(key);
                if (expiry == null) {
                    expiry = new Expiry(certificate.notAfter());
                    expiry.gauge = Gauge.builder("maitre.tls.certificate.expiry.days", expiry, e -> e.days(clock))
                            .description("days until the certificate's notAfter; negative once it has expired")
                            .tag("listener", listener).tag("certificate", key.get(0)).tag("subject", key.get(1))
                            .register(registry);
                }
                expiry.notAfter = certificate.notAfter();
                next.put(key, expiry);
            }
            expiries.values().forEach(gone -> registry.remove(gone.gauge));
            expiries.clear();
            expiries.putAll(next);
        }

        void remove() {
            failures.forEach(registry::remove);
            completed.values().forEach(registry::remove);
            expiries.values().forEach(expiry -> registry.remove(expiry.gauge));
        }

        private double failed(HandshakeFailure reason) {
            HandshakeCounts counts = counts();
            return counts == null ? Double.NaN : counts.failed(reason);
        }

        private double completed(Negotiated negotiated) {
            HandshakeCounts counts = counts();
            return counts == null ? Double.NaN : counts.completed(negotiated);
        }

        /** The engine's counts; none while a reload is taking the listener away. */
        private HandshakeCounts counts() {
            try {
                return handshakes.apply(listener);
            } catch (IllegalArgumentException gone) {
                return null;
            }
        }
    }

    /** A certificate's end of validity, updated when its file is loaded anew. */
    private static final class Expiry {
        private volatile Instant notAfter;
        private Meter gauge;

        Expiry(Instant notAfter) {
            this.notAfter = notAfter;
        }

        double days(Clock clock) {
            return Duration.between(clock.instant(), notAfter).toMillis() / (double) Duration.ofDays(1).toMillis();
        }
    }
}
