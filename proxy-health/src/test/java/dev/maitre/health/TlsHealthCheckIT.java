package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Configs;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TlsBackend;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks of a cluster spoken to over TLS run over TLS, with the client context the server hands the
 * monitor: a backend whose certificate verifies is healthy, one whose certificate does not is unhealthy
 * and the reason says why.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsHealthCheckIT {

    private static final String NAME = "backend.test";

    @TempDir
    static Path dir;

    private static TestCertificates.Authority ca;
    private static SslContext trustingCa;

    private HealthMonitor monitor;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.authority("health CA");
        // what the server builds for the cluster (engine's BackendTls), in a few lines
        trustingCa = SslContextBuilder.forClient().trustManager(ca.writeCertificate(dir, "ca.pem").toFile())
                .endpointIdentificationAlgorithm("HTTPS").build();
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = HealthCheckConfig.CheckProtocol.class, names = {"HTTP", "TCP"})
    void aBackendWhoseCertificateVerifiesIsHealthy(HealthCheckConfig.CheckProtocol protocol) throws Exception {
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, NAME)).start()) {
            monitor = start(protocol, backend.address(), NAME);

            BackendHealth health = awaitCheck(backend.address());

            assertThat(health.lastCheck().ok()).isTrue();
            assertThat(health.lastCheck().reason())
                    .isEqualTo(protocol == HealthCheckConfig.CheckProtocol.HTTP ? "status 200" : "connected over tls");
            assertThat(backend.clearTextConnections()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = HealthCheckConfig.CheckProtocol.class, names = {"HTTP", "TCP"})
    void aBackendWhoseCertificateDoesNotVerifyBecomesUnhealthyAndTheReasonSaysSo(
            HealthCheckConfig.CheckProtocol protocol) throws Exception {
        TestCertificates.Authority other = TestCertificates.authority("someone else's CA");
        try (TlsBackend backend = TlsBackend.presenting(other.issue(KeyKind.ECDSA, NAME)).start()) {
            monitor = start(protocol, backend.address(), NAME);

            await().atMost(Duration.ofSeconds(10)).until(() -> state(backend.address()) == HealthState.UNHEALTHY);

            assertThat(awaitCheck(backend.address()).lastCheck().reason()).isEqualTo("tls: certificate not trusted");
            assertThat(monitor.events()).anySatisfy(event -> {
                assertThat(event.to()).isEqualTo(HealthState.UNHEALTHY);
                assertThat(event.reason()).endsWith("tls: certificate not trusted");
            });
            assertThat(monitor.eligible("api")).isEmpty();
            assertThat(backend.requests()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = HealthCheckConfig.CheckProtocol.class, names = {"HTTP", "TCP"})
    void aCertificateForAnotherNameFailsTheCheck(HealthCheckConfig.CheckProtocol protocol) throws Exception {
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, NAME)).start()) {
            monitor = start(protocol, backend.address(), "other.test");

            await().atMost(Duration.ofSeconds(10)).until(() -> state(backend.address()) == HealthState.UNHEALTHY);

            assertThat(awaitCheck(backend.address()).lastCheck().reason())
                    .isEqualTo("tls: certificate does not match the server name");
        }
    }

    @Test
    void anHttpCheckWithoutTheClientCertificateABackendRequiresFailsSayingSo() throws Exception {
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.ECDSA, NAME))
                .requireClientCertificate(ca).start()) {
            monitor = start(HealthCheckConfig.CheckProtocol.HTTP, backend.address(), NAME);

            await().atMost(Duration.ofSeconds(10)).until(() -> state(backend.address()) == HealthState.UNHEALTHY);

            assertThat(awaitCheck(backend.address()).lastCheck().reason())
                    .isEqualTo("tls: the backend refused the client certificate (or wanted one)");
        }
    }

    private HealthMonitor start(HealthCheckConfig.CheckProtocol protocol, HostPort backend, String serverName) {
        HealthCheckConfig check = new HealthCheckConfig(protocol, "/healthz", null, StatusRanges.parse("200-399"),
                Duration.ofMillis(1000), Duration.ofMillis(900), 2, 2, 0.1, HealthState.HEALTHY);
        ClusterConfig cluster = Configs.cluster("api", check, null, 0, List.of(backend))
                .withTls(ClusterTlsConfig.defaults().withServerName(serverName));
        HealthMonitor started = HealthMonitor.builder(Configs.proxy(cluster))
                .clientTls(name -> name.equals("api") ? trustingCa : null).build();
        started.start();
        return started;
    }

    private HealthState state(HostPort backend) {
        return monitor.cluster("api").orElseThrow().backends().get(0).state();
    }

    private BackendHealth awaitCheck(HostPort backend) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> monitor.cluster("api").orElseThrow().backends().get(0),
                health -> health.address().equals(backend) && health.lastCheck() != null);
    }
}
