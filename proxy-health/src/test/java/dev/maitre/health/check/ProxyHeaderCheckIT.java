package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.HaproxyProcess;
import dev.maitre.testing.RawBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The checks of a cluster with {@code proxyProtocol} open with a PROXY header naming no client, so
 * that a backend that requires the header on every connection (a real HAProxy with
 * {@code bind ... accept-proxy}) passes them; without the header it fails them.
 */
class ProxyHeaderCheckIT {

    @TempDir
    Path dir;

    private HaproxyProcess acceptingProxy(RawBackend backend) {
        return HaproxyProcess.start(dir, 1, ports -> "global\n  maxconn 50\ndefaults\n  mode http\n"
                + "  timeout connect 5s\n  timeout client 10s\n  timeout server 10s\n"
                + "frontend in\n  bind 127.0.0.1:" + ports[0] + " accept-proxy\n  default_backend app\n"
                + "backend app\n  server b 127.0.0.1:" + backend.address().port() + "\n");
    }

    private static HealthCheckConfig httpCheck() {
        return new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP, "/healthz", null,
                StatusRanges.parse("200-399"), Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0,
                HealthState.HEALTHY);
    }

    @ParameterizedTest
    @EnumSource(value = ProxyProtocolVersion.class, names = {"V1", "V2"})
    void anHttpCheckPassesABackendThatRequiresTheHeader(ProxyProtocolVersion version) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = acceptingProxy(backend);
             CheckClient client = CheckClient.start()) {
            CheckResult result = client.create(httpCheck(), null, BackendProtocol.HTTP1, version)
                    .check(new HostPort("127.0.0.1", haproxy.port(0))).get(10, TimeUnit.SECONDS);

            assertThat(result.ok()).as(result.reason()).isTrue();
            assertThat(result.reason()).isEqualTo("status 200");
        }
    }

    @Test
    void withoutTheHeaderTheSameBackendFailsTheCheck() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = acceptingProxy(backend);
             CheckClient client = CheckClient.start()) {
            CheckResult result = client.create(httpCheck(), null, BackendProtocol.HTTP1, ProxyProtocolVersion.OFF)
                    .check(new HostPort("127.0.0.1", haproxy.port(0))).get(10, TimeUnit.SECONDS);

            assertThat(result.ok()).isFalse();
            assertThat(backend.requests()).isEmpty();
        }
    }
}
