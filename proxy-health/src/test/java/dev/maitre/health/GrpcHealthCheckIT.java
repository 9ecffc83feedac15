package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.health.check.GrpcHealthServer;
import dev.maitre.health.check.H2Server;
import dev.maitre.testing.Configs;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor checks gRPC backends the way their clusters say, against grpc-java's health service on
 * loopback: a backend comes into rotation after {@code healthyThreshold} SERVING answers, leaves after
 * {@code unhealthyThreshold} others, and the event log says what was seen. A cluster spoken to in HTTP/2
 * gets its HTTP checks over HTTP/2.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GrpcHealthCheckIT {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final int FALL = 2;
    private static final int RISE = 2;
    private static final String NAME = "grpc.test";

    @TempDir
    Path dir;

    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    private HealthMonitor monitor;

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void aServingBackendComesInAndLeavesWhenItStopsServing() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            HostPort backend = server.address();
            monitor = start(cluster(grpcCheck(""), backend).withProtocol(BackendProtocol.H2C), null);

            HealthEvent up = awaitTransition(backend, HealthState.HEALTHY);
            assertThat(up.reason()).isEqualTo(RISE + " consecutive successes");
            assertThat(lastCheck().reason()).isEqualTo("grpc: SERVING");
            assertThat(monitor.eligible("api")).extracting(Endpoint::address).containsExactly(backend);

            server.setStatus("", ServingStatus.NOT_SERVING);
            HealthEvent down = awaitTransition(backend, HealthState.UNHEALTHY);

            assertThat(down.reason()).isEqualTo(FALL + " consecutive failures: grpc: NOT_SERVING");
            assertThat(lastCheck().reason()).isEqualTo("grpc: NOT_SERVING");
            assertThat(monitor.eligible("api")).isEmpty();

            server.setStatus("", ServingStatus.SERVING);
            awaitTransition(backend, HealthState.HEALTHY);
        }
    }

    @Test
    void aStoppedBackendLeavesRotation() throws Exception {
        GrpcHealthServer server = GrpcHealthServer.start();
        HostPort backend = server.address();
        monitor = start(cluster(grpcCheck(""), backend).withProtocol(BackendProtocol.H2C), null);
        awaitTransition(backend, HealthState.HEALTHY);

        server.close();
        HealthEvent down = awaitTransition(backend, HealthState.UNHEALTHY);

        assertThat(down.reason()).isEqualTo(FALL + " consecutive failures: connection refused");
    }

    @Test
    void aServiceTheBackendDoesNotKnowKeepsItOut() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            HostPort backend = server.address();
            monitor = start(cluster(grpcCheck("shop.Missing"), backend).withProtocol(BackendProtocol.H2C), null);

            await().atMost(Duration.ofSeconds(10)).until(
                    () -> lastCheck() != null && lastCheck().reason().equals("grpc-status 5 (NOT_FOUND)"));
            assertThat(monitor.eligible("api")).isEmpty();

            server.setStatus("shop.Missing", ServingStatus.SERVING);
            awaitTransition(backend, HealthState.HEALTHY);
            assertThat(lastCheck().reason()).isEqualTo("grpc: SERVING");
        }
    }

    @Test
    void aClusterSpokenToInH2IsCheckedOverItsTls() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("grpc CA");
        try (GrpcHealthServer server = GrpcHealthServer.startTls(ca.issue(KeyKind.ECDSA, NAME).write(dir, "server"))) {
            HostPort backend = server.address();
            ClusterConfig cluster = cluster(grpcCheck(""), backend)
                    .withTransport(ClusterTlsConfig.defaults().withServerName(NAME), BackendProtocol.H2);
            monitor = start(cluster, h2Context(ca));

            awaitTransition(backend, HealthState.HEALTHY);

            assertThat(lastCheck().reason()).isEqualTo("grpc: SERVING");
        }
    }

    @Test
    void anHttpCheckOfAnH2cClusterGoesOverHttp2() {
        try (H2Server server = H2Server.start()) {
            HostPort backend = server.address();
            HealthCheckConfig check = new HealthCheckConfig(CheckProtocol.HTTP, "/healthz", null,
                    StatusRanges.parse("200"), INTERVAL, TIMEOUT, FALL, RISE, 0.1, HealthState.UNHEALTHY);
            monitor = start(cluster(check, backend).withProtocol(BackendProtocol.H2C), null);

            awaitTransition(backend, HealthState.HEALTHY);

            assertThat(lastCheck().reason()).isEqualTo("status 200");
            assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(RISE)
                    .allSatisfy(request -> assertThat(request.path()).hasToString("/healthz"));
        }
    }

    private HealthMonitor start(ClusterConfig cluster, SslContext tls) {
        HealthMonitor.Builder builder = HealthMonitor.builder(Configs.proxy(cluster)).listener(events::add);
        if (tls != null) {
            builder.clientTls(name -> name.equals("api") ? tls : null);
        }
        HealthMonitor started = builder.build();
        started.start();
        return started;
    }

    private static ClusterConfig cluster(HealthCheckConfig check, HostPort backend) {
        return Configs.cluster("api", check, null, 0, List.of(backend));
    }

    /** Backends start unhealthy, so that coming into rotation shows the checks passed. */
    private static HealthCheckConfig grpcCheck(String service) {
        return new HealthCheckConfig(CheckProtocol.GRPC, HealthCheckConfig.DEFAULT_PATH, null,
                StatusRanges.parse("200-399"), INTERVAL, TIMEOUT, FALL, RISE, 0.1, HealthState.UNHEALTHY, service);
    }

    /** What the server makes for a cluster with {@code protocol: h2} (engine's BackendTls), in a few lines. */
    private SslContext h2Context(TestCertificates.Authority ca) throws Exception {
        return SslContextBuilder.forClient().trustManager(ca.writeCertificate(dir, "ca.pem").toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
    }

    private LastCheck lastCheck() {
        return monitor.cluster("api").orElseThrow().backends().get(0).lastCheck();
    }

    private HealthEvent awaitTransition(HostPort backend, HealthState to) {
        int seen = events.size();
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> events.subList(seen, events.size()).stream()
                        .filter(e -> e.backend().equals(backend) && e.to() == to
                                && e.kind() == HealthEvent.Kind.TRANSITION)
                        .findFirst().orElse(null),
                found -> found != null);
    }
}
