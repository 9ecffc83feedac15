package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC check against grpc-java's own health service on loopback, in clear text and over TLS. */
class GrpcCheckerIT {

    /** Generous: the first call into a fresh JVM's grpc-java server loads many classes. */
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    private static final String NAME = "grpc.test";

    private static CheckClient client;

    @BeforeAll
    static void start() {
        client = CheckClient.start();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void aServingServerPasses() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            CheckResult result = check("", server.address());

            assertThat(result.ok()).isTrue();
            assertThat(result.reason()).isEqualTo("grpc: SERVING");
            assertThat(result.latencyNanos()).isPositive().isLessThan(TIMEOUT.toNanos());
        }
    }

    @Test
    void aServerNotServingFailsSayingSo() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            server.setStatus("", ServingStatus.NOT_SERVING);

            CheckResult result = check("", server.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("grpc: NOT_SERVING");
        }
    }

    @Test
    void theNamedServiceIsTheOneAskedAbout() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            server.setStatus("shop.Orders", ServingStatus.NOT_SERVING);
            server.setStatus("shop.Stock", ServingStatus.SERVING);

            assertThat(check("shop.Orders", server.address()).reason()).isEqualTo("grpc: NOT_SERVING");
            assertThat(check("shop.Stock", server.address()).reason()).isEqualTo("grpc: SERVING");
            assertThat(check("", server.address()).reason()).isEqualTo("grpc: SERVING");
        }
    }

    @Test
    void aServiceTheServerDoesNotKnowFails() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.start()) {
            CheckResult result = check("shop.Missing", server.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("grpc-status 5 (NOT_FOUND)");
        }
    }

    @Test
    void aServerWithoutTheHealthServiceFails() throws Exception {
        try (GrpcHealthServer server = GrpcHealthServer.withoutHealthService()) {
            CheckResult result = check("", server.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("grpc-status 12 (UNIMPLEMENTED)");
        }
    }

    @Test
    void aStoppedServerFails() throws Exception {
        GrpcHealthServer server = GrpcHealthServer.start();
        HostPort address = server.address();
        assertThat(check("", address).ok()).isTrue();

        server.close();

        assertThat(check("", address).reason()).isEqualTo("connection refused");
        assertThat(check("", Ports.refusing()).reason()).isEqualTo("connection refused");
    }

    @Test
    void aServerThatSpeaksOnlyHttp1Fails() throws Exception {
        try (RawBackend http1 = RawBackend.writing("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(check("", http1.address()).reason()).isEqualTo("not an http/2 answer");
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (RawBackend silent = RawBackend.silent()) {
            long start = System.nanoTime();
            CheckResult result = client.create(config("", SHORT_TIMEOUT), null, BackendProtocol.H2C)
                    .check(silent.address()).get(5, TimeUnit.SECONDS);

            assertThat(result.reason()).isEqualTo("timeout after 500ms");
            assertThat(System.nanoTime() - start)
                    .isBetween(SHORT_TIMEOUT.toNanos(), SHORT_TIMEOUT.toNanos() + 1_000_000_000L);
        }
    }

    @Test
    void overTlsTheCheckSpeaksH2ChosenByAlpn(@TempDir Path dir) throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("grpc CA");
        try (GrpcHealthServer server = GrpcHealthServer.startTls(ca.issue(KeyKind.ECDSA, NAME).write(dir, "server"))) {
            CheckTls tls = new CheckTls(clientContext(ca, dir), NAME);

            CheckResult result = client.create(config("", TIMEOUT), tls, BackendProtocol.H2).check(server.address())
                    .get(10, TimeUnit.SECONDS);

            assertThat(result.reason()).isEqualTo("grpc: SERVING");
            assertThat(result.ok()).isTrue();
        }
    }

    /** What the server makes for a cluster with {@code protocol: h2} (engine's BackendTls), in a few lines. */
    static SslContext clientContext(TestCertificates.Authority ca, Path dir) throws Exception {
        return SslContextBuilder.forClient().trustManager(ca.writeCertificate(dir, "ca.pem").toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
    }

    private static CheckResult check(String service, HostPort backend) throws Exception {
        return client.create(config(service, TIMEOUT), null, BackendProtocol.H2C).check(backend)
                .get(10, TimeUnit.SECONDS);
    }

    private static HealthCheckConfig config(String service, Duration timeout) {
        return new HealthCheckConfig(CheckProtocol.GRPC, HealthCheckConfig.DEFAULT_PATH, null,
                StatusRanges.parse("200-399"), Duration.ofSeconds(10), timeout, 3, 2, 0, HealthState.HEALTHY,
                service);
    }
}
