package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import io.netty.handler.codec.http2.Http2Headers;
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

/**
 * The HTTP check of a cluster spoken to in HTTP/2 goes as HTTP/2, so that a backend that speaks nothing
 * else passes it: in clear text by prior knowledge (h2c), over TLS with h2 chosen by ALPN (h2).
 */
class Http2CheckerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NAME = "h2.test";

    @TempDir
    static Path dir;

    private static CheckClient client;
    private static TestCertificates.Authority ca;
    private static TestCertificates.Issued certificate;

    @BeforeAll
    static void start() {
        client = CheckClient.start();
        ca = TestCertificates.authority("h2 CA");
        certificate = ca.issue(KeyKind.ECDSA, NAME);
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void anH2cBackendAnswering200PassesAGetOfThePathOverHttp2() throws Exception {
        try (H2Server server = H2Server.start()) {
            CheckResult result = check(config("/healthz", null, "200-399"), null, BackendProtocol.H2C, server.address());

            assertThat(result.ok()).isTrue();
            assertThat(result.reason()).isEqualTo("status 200");
            Http2Headers request = server.requests().get(0);
            assertThat(request.method()).hasToString("GET");
            assertThat(request.path()).hasToString("/healthz");
            assertThat(request.scheme()).hasToString("http");
            assertThat(request.authority()).hasToString(server.address().toString());
            assertThat(request.get("user-agent")).hasToString("maitre-health-check");
        }
    }

    @Test
    void aStatusOutsideExpectStatusFails() throws Exception {
        try (H2Server server = H2Server.start()) {
            CheckResult result = check(config("/503", null, "200-399"), null, BackendProtocol.H2C, server.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("status 503");
            assertThat(check(config("/503", null, "503"), null, BackendProtocol.H2C, server.address()).ok()).isTrue();
        }
    }

    @Test
    void theConfiguredHostIsTheAuthority() throws Exception {
        try (H2Server server = H2Server.start()) {
            check(config("/healthz", "api.internal", "200"), null, BackendProtocol.H2C, server.address());

            assertThat(server.requests().get(0).authority()).hasToString("api.internal");
        }
    }

    @Test
    void aBackendThatSpeaksOnlyHttp1FailsAnH2cCheck() throws Exception {
        try (RawBackend http1 = RawBackend.writing("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(check(config("/healthz", null, "200-499"), null, BackendProtocol.H2C, http1.address()).reason())
                    .isEqualTo("not an http/2 answer");
        }
    }

    @Test
    void theSameCheckOfAnHttp1ClusterStaysHttp1() throws Exception {
        try (RawBackend http1 = RawBackend.writing("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(check(config("/healthz", null, "200"), null, BackendProtocol.HTTP1, http1.address()).reason())
                    .isEqualTo("status 200");
        }
    }

    @Test
    void anH2BackendIsCheckedOverTlsWithH2ChosenByAlpn() throws Exception {
        try (H2Server server = H2Server.startTls(serverContext(true))) {
            CheckTls tls = new CheckTls(GrpcCheckerIT.clientContext(ca, dir), NAME);

            CheckResult result = check(config("/healthz", null, "200"), tls, BackendProtocol.H2, server.address());

            assertThat(result.reason()).isEqualTo("status 200");
            assertThat(server.requests().get(0).scheme()).hasToString("https");
        }
    }

    @Test
    void aTlsBackendThatDoesNotChooseH2FailsSayingSo() throws Exception {
        try (H2Server server = H2Server.startTls(serverContext(false))) {
            CheckTls tls = new CheckTls(GrpcCheckerIT.clientContext(ca, dir), NAME);

            CheckResult result = check(config("/healthz", null, "200"), tls, BackendProtocol.H2, server.address());

            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).isEqualTo("tls: h2 not chosen by ALPN");
            assertThat(server.requests()).isEmpty();
        }
    }

    private static SslContext serverContext(boolean alpnH2) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forServer(certificate.bundle().getKeyPair().getPrivate(),
                certificate.bundle().getCertificatePath());
        if (alpnH2) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
        }
        return builder.build();
    }

    private static CheckResult check(HealthCheckConfig config, CheckTls tls, BackendProtocol protocol,
                                     HostPort backend) throws Exception {
        return client.create(config, tls, protocol).check(backend).get(10, TimeUnit.SECONDS);
    }

    private static HealthCheckConfig config(String path, String host, String expectStatus) {
        return new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, path, host,
                StatusRanges.parse(expectStatus), Duration.ofSeconds(10), TIMEOUT, 3, 2, 0, HealthState.HEALTHY);
    }
}
