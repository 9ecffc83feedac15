package dev.maitre.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.IpRange;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PROXY protocol meters exist for the listeners that read the header, and follow a reload. */
class ProxyProtocolMetricsTest {

    private static final ListenerConfig WEB = ListenerConfig.http("web", HostPort.parse("127.0.0.1:8080"),
            List.of(RouteConfig.catchAll("app")));
    private static final ClusterConfig APP = ClusterConfig.of("app", List.of(BackendConfig.of(HostPort.parse("10.0.0.1:80"))));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProxyHeaderCounts counts = new ProxyHeaderCounts();

    private static ProxyConfig config(ListenerConfig listener) {
        return new ProxyConfig(AdminConfig.defaults(), 1, Duration.ofSeconds(1), AccessLogConfig.defaults(),
                List.of(listener), List.of(APP));
    }

    @Test
    void aListenerThatReadsTheHeaderHasItsCountsAndLosesThemWhenItStops() {
        ProxyProtocolMetrics metrics = new ProxyProtocolMetrics(registry, name -> counts);
        ListenerConfig reading = WEB.withProxyProtocol(List.of(IpRange.parse("10.0.0.0/8")), true);

        metrics.follow(config(WEB));
        assertThat(registry.scrape()).doesNotContain("maitre_proxy_protocol");

        metrics.follow(config(reading));
        assertThat(registry.scrape())
                .contains("maitre_proxy_protocol_headers_total{listener=\"web\"} 0")
                .contains("maitre_proxy_protocol_refused_total{listener=\"web\",reason=\"untrusted\"} 0")
                .contains("maitre_proxy_protocol_refused_total{listener=\"web\",reason=\"timeout\"} 0");

        metrics.follow(config(WEB));
        assertThat(registry.scrape()).doesNotContain("maitre_proxy_protocol");
    }
}
