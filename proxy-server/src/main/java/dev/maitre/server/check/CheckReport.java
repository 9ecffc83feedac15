package dev.maitre.server.check;

import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.server.access.AccessLogRuntime;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code maitre --check} prints for a valid configuration: what it sets up, the certificates its
 * TLS listeners serve ({@link CertificateCheck}) and, for every actively checked cluster, how soon a
 * backend's failure or recovery is acted on.
 */
public final class CheckReport {

    private CheckReport() {
    }

    /** The report on {@code config}, read from {@code source}, leaving out certificates, as lines ending in {@code \n}. */
    public static String of(String source, ProxyConfig config) {
        return of(source, config, List.of(), Instant.now());
    }

    /**
     * The report on {@code config}, read from {@code source}, whose TLS listeners serve
     * {@code certificates} (see {@link CertificateCheck#load}), their time left counted from {@code now}.
     */
    public static String of(String source, ProxyConfig config, List<CertificateCheck.Listed> certificates,
                            Instant now) {
        StringBuilder out = new StringBuilder();
        int backends = config.clusters().stream().mapToInt(c -> c.backends().size()).sum();
        out.append("configuration ").append(source).append(" is valid: ")
                .append(count(config.listeners().size(), "listener")).append(", ")
                .append(count(config.clusters().size(), "cluster")).append(", ")
                .append(count(backends, "backend")).append('\n');
        out.append("  workers ").append(config.workers());
        if (!config.shutdownDelay().isZero()) {
            out.append(", shutdown delay ").append(DurationText.of(config.shutdownDelay()));
        }
        out.append(", shutdown grace period ").append(DurationText.of(config.shutdownGracePeriod()))
                .append(", admin on ").append(config.admin().bind())
                .append(config.admin().hasToken() ? " with a token" : "")
                .append(", access log ").append(AccessLogRuntime.describe(config.accessLog())).append('\n');

        out.append("listeners:\n");
        for (ListenerConfig listener : config.listeners()) {
            out.append("  ").append(listener(listener)).append('\n');
        }

        if (!certificates.isEmpty()) {
            out.append("tls certificates:\n");
            CertificateCheck.report(certificates, now, out);
        }

        out.append("clusters:\n");
        for (ClusterConfig cluster : config.clusters()) {
            out.append("  ").append(cluster.name()).append(" (").append(cluster.balancer().configName())
                    .append("): ").append(backends(cluster.backends()));
            if (cluster.discovery() != null) {
                out.append(cluster.backends().isEmpty() ? "those DNS " : ", and those DNS ")
                        .append(cluster.discovery().dns().describe()).append(" names");
            }
            out.append('\n');
        }

        out.append("health timing (from a backend's failure or recovery until maitre acts on it):\n");
        for (ClusterConfig cluster : config.clusters()) {
            health(cluster, out);
        }
        return out.toString();
    }

    private static String listener(ListenerConfig listener) {
        String head = listener.name() + " (" + listener.protocol().name().toLowerCase(Locale.ROOT)
                + (listener.tls() != null ? ", tls" : "") + ") on " + listener.bind();
        if (listener.protocol() == Protocol.TCP) {
            return head + " -> " + listener.cluster();
        }
        return head + ": " + listener.routes().stream().map(CheckReport::route).collect(Collectors.joining(", "));
    }

    private static String route(RouteConfig route) {
        String match;
        if (route.host() == null && route.pathPrefix() == null) {
            match = "*";
        } else {
            match = (route.host() == null ? "" : route.host()) + (route.pathPrefix() == null ? "" : route.pathPrefix());
        }
        return match + " -> " + route.cluster();
    }

    private static String backends(List<BackendConfig> backends) {
        return backends.stream()
                .map(b -> b.weight() == 1 ? b.address().toString() : b.address() + " (weight " + b.weight() + ")")
                .collect(Collectors.joining(", "));
    }

    private static void health(ClusterConfig cluster, StringBuilder out) {
        HealthCheckConfig check = cluster.healthCheck();
        if (check == null) {
            out.append("  ").append(cluster.name())
                    .append(": not actively checked (backends stay eligible; retries and outlier detection guard them)\n");
            return;
        }
        HealthWindows windows = HealthWindows.of(check);
        out.append("  ").append(cluster.name()).append(": ")
                .append(check.protocol().name().toLowerCase(Locale.ROOT)).append(" check every ")
                .append(DurationText.of(check.interval())).append(" (jitter ").append(DurationText.percent(check.jitter()))
                .append(", timeout ").append(DurationText.of(check.timeout())).append("), down after ")
                .append(count(check.unhealthyThreshold(), "failure")).append(", up after ")
                .append(count(check.healthyThreshold(), "success")).append('\n');
        out.append("    refused or reset  ").append(windows.refused()).append('\n');
        out.append("    black hole        ").append(windows.blackHole()).append('\n');
        out.append("    recovery          ").append(windows.recovery()).append(" (plus one check's round trip)\n");
        for (String advice : HealthCheckAdvice.of(check)) {
            out.append("    warning: ").append(advice).append('\n');
        }
    }

    private static String count(int n, String noun) {
        if (n == 1) {
            return "1 " + noun;
        }
        return n + " " + (noun.endsWith("s") ? noun + "es" : noun + "s");
    }
}
