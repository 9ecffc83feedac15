package dev.maitre.server.metrics;

import static dev.maitre.testing.Configs.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.tls.HandshakeCounts;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS meters follow what the engine serves: the days a certificate has left, negative once it has
 * expired; a certificate no longer served, and a listener that no longer has TLS, lose their series.
 */
class TlsMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T09:00:00Z");

    @TempDir
    static Path dir;

    private static ServedCertificate shop;
    private static ServedCertificate api;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HandshakeCounts counts = new HandshakeCounts();
    private final List<ServedCertificate> served = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        Authority authority = TestCertificates.authority("maitre test CA");
        shop = load(authority.issue(KeyKind.ECDSA, NOW.minus(Duration.ofHours(36)), "shop.example.test")
                .write(dir, "shop"));
        api = load(authority.issue(KeyKind.RSA, NOW.plus(Duration.ofDays(45)), "api.example.test").write(dir, "api"));
    }

    @Test
    void showsTheDaysLeftNegativeOnceExpiredAndDropsACertificateNoLongerServed() {
        TlsMetrics metrics = metrics();
        metrics.follow(config(true));
        served.addAll(List.of(shop, api));

        metrics.refresh();

        assertThat(registry.scrape()).contains(expiry(shop) + " -1.5", expiry(api) + " 45.0");

        served.remove(shop);
        metrics.refresh();

        assertThat(registry.scrape()).doesNotContain(expiry(shop)).contains(expiry(api) + " 45.0");
    }

    @Test
    void aListenerWithoutTlsHasNoTlsSeries() {
        TlsMetrics metrics = metrics();
        metrics.follow(config(true));
        served.add(api);
        metrics.refresh();
        assertThat(registry.scrape()).contains("maitre_tls_handshake_failures_total{listener=\"web\",reason=\"not_tls\"} 0");

        metrics.follow(config(false));
        metrics.refresh();

        assertThat(registry.scrape()).doesNotContain("maitre_tls_");
    }

    private TlsMetrics metrics() {
        return new TlsMetrics(registry, name -> counts, name -> List.copyOf(served), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String expiry(ServedCertificate certificate) {
        return "maitre_tls_certificate_expiry_days{certificate=\"" + certificate.files().certFile()
                + "\",listener=\"web\",subject=\"" + certificate.subject() + "\"}";
    }

    private static ServedCertificate load(PemFiles files) {
        return ServedCertificate.load(new CertificateFiles(files.certFile(), files.keyFile()));
    }

    private static ProxyConfig config(boolean tls) {
        TlsConfig settings = tls ? new TlsConfig(shop.files().certFile(), shop.files().keyFile()) : null;
        ListenerConfig web = new ListenerConfig("web", HostPort.parse("127.0.0.1:8443"), Protocol.HTTP,
                List.of(RouteConfig.catchAll("api")), null, settings, ListenerTimeouts.defaults(),
                ListenerLimits.defaults());
        return new ProxyConfig(AdminConfig.defaults(), 1, Duration.ofSeconds(1), AccessLogConfig.defaults(),
                List.of(web), List.of(cluster("api", "10.0.0.11:8080")));
    }
}
