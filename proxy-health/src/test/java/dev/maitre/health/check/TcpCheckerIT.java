package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TCP check against real sockets on loopback. */
class TcpCheckerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static CheckClient client;
    private static Checker checker;

    @BeforeAll
    static void start() {
        client = CheckClient.start();
        checker = client.create(new HealthCheckConfig(HealthCheckConfig.CheckProtocol.TCP, "/", null,
                StatusRanges.parse("200"), Duration.ofSeconds(10), TIMEOUT, 3, 2, 0, HealthState.HEALTHY));
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void aBackendThatAcceptsPasses() throws Exception {
        try (RawBackend server = RawBackend.silent()) {
            CheckResult result = checker.check(server.address()).get(5, TimeUnit.SECONDS);

            assertThat(result.ok()).isTrue();
            assertThat(result.reason()).isEqualTo("connected");
        }
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        CheckResult result = checker.check(Ports.refusing()).get(5, TimeUnit.SECONDS);

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("connection refused");
    }

    @Test
    void aConnectionThatIsNeverEstablishedTimesOutAfterTheTimeout() throws Exception {
        // a listener whose accept queue is full drops further handshakes, so connecting hangs
        try (ServerSocket full = new ServerSocket()) {
            full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            List<Socket> queued = fillAcceptQueue(full);
            try {
                long start = System.nanoTime();
                CheckResult result = checker.check(new HostPort("127.0.0.1", full.getLocalPort()))
                        .get(5, TimeUnit.SECONDS);
                long elapsed = System.nanoTime() - start;

                assertThat(result.reason()).isEqualTo("timeout after 1s");
                assertThat(elapsed).isBetween(TIMEOUT.toNanos(), TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1));
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    private static List<Socket> fillAcceptQueue(ServerSocket server) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(server.getLocalSocketAddress(), 200);
                sockets.add(socket);
            } catch (IOException e) {
                socket.close();
                break;
            }
        }
        return sockets;
    }
}
