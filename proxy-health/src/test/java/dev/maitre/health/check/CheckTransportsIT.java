package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both transports report the same failures in the same words, whatever their exceptions say. */
class CheckTransportsIT {

    private static final HealthCheckConfig HTTP = new HealthCheckConfig(HealthCheckConfig.CheckProtocol.HTTP,
            "/healthz", null, StatusRanges.parse("200"), Duration.ofSeconds(10), Duration.ofSeconds(1), 3, 2, 0,
            HealthState.HEALTHY);

    @ParameterizedTest(name = "epoll: {0}")
    @ValueSource(booleans = {true, false})
    void passesAndFailuresReadTheSameOnEitherTransport(boolean epoll) throws Exception {
        // epoll exists on Linux only (and where Netty's native library loads); the NIO case always
        // runs, and on Linux, where CI runs, so does this one.
        assumeTrue(!epoll || Epoll.isAvailable(), "epoll is not available here");
        try (CheckClient client = CheckClient.start(epoll);
             RawBackend ok = RawBackend.writing("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
             RawBackend silent = RawBackend.silent();
             RawBackend resetting = RawBackend.resetting()) {
            assertThat(client.transportName()).isEqualTo(epoll ? "epoll" : "nio");
            Checker checker = client.create(HTTP);

            assertThat(reason(checker, ok.address())).isEqualTo("status 200");
            assertThat(reason(checker, Ports.refusing())).isEqualTo("connection refused");
            assertThat(reason(checker, silent.address())).isEqualTo("timeout after 1s");
            assertThat(reason(checker, resetting.address())).isEqualTo("connection reset");
        }
    }

    private static String reason(Checker checker, HostPort backend) throws Exception {
        return checker.check(backend).get(5, TimeUnit.SECONDS).reason();
    }
}
