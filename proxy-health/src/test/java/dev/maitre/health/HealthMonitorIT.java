package dev.maitre.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.StatusRanges;
import dev.maitre.api.health.HealthState;
import dev.maitre.testing.Configs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor on its own check client, against real backends on loopback with short intervals: a
 * backend that stops listening leaves rotation and comes back within the windows of DESIGN.md §3.
 */
class HealthMonitorIT {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final int FALL = 2;
    private static final int RISE = 2;
    private static final double JITTER = 0.10;
    /** Room for a busy machine: threads wake late, never early. */
    private static final long LATE = Duration.ofMillis(600).toNanos();
    private static final long EARLY = Duration.ofMillis(50).toNanos();

    private record Timed(long nanos, HealthEvent event) {
    }

    private final List<Timed> events = new CopyOnWriteArrayList<>();
    private HttpServer http;
    private ServerSocket tcp;
    private HealthMonitor monitor;

    @AfterEach
    void stop() throws IOException {
        if (monitor != null) {
            monitor.close();
        }
        if (http != null) {
            http.stop(0);
        }
        if (tcp != null) {
            tcp.close();
        }
    }

    @Test
    void anHttpBackendThatStopsListeningLeavesAndReturnsWithinTheWindows() throws IOException {
        http = startHttp(0);
        HostPort backend = new HostPort("127.0.0.1", http.getAddress().getPort());
        monitor = start(check(HealthCheckConfig.CheckProtocol.HTTP), backend);
        awaitPassedCheck(backend);

        long t0 = System.nanoTime();
        http.stop(0);
        Timed down = awaitTransition(backend, HealthState.UNHEALTHY);

        assertThat(down.event().reason()).isEqualTo(FALL + " consecutive failures: connection refused");
        assertThat(down.nanos() - t0).isBetween(
                Math.round((FALL - 1) * INTERVAL.toNanos() * (1 - JITTER)) - EARLY,
                Math.round(FALL * INTERVAL.toNanos() * (1 + JITTER)) + LATE);
        assertThat(monitor.eligible("api")).isEmpty();

        long t1 = System.nanoTime();
        http = startHttp(backend.port());
        Timed up = awaitTransition(backend, HealthState.HEALTHY);

        assertThat(up.nanos() - t1).isBetween(
                Math.round((RISE - 1) * INTERVAL.toNanos() * (1 - JITTER)) - EARLY,
                Math.round(RISE * INTERVAL.toNanos() * (1 + JITTER)) + LATE);
        assertThat(monitor.eligible("api")).extracting(Endpoint::address).containsExactly(backend);
    }

    @Test
    void aTcpBackendThatStopsListeningLeavesRotation() throws IOException {
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HostPort backend = new HostPort("127.0.0.1", tcp.getLocalPort());
        monitor = start(check(HealthCheckConfig.CheckProtocol.TCP), backend);
        awaitPassedCheck(backend);

        tcp.close();
        Timed down = awaitTransition(backend, HealthState.UNHEALTHY);

        assertThat(down.event().reason()).isEqualTo(FALL + " consecutive failures: connection refused");
    }

    @Test
    void closingStopsTheChecksThread() throws IOException {
        http = startHttp(0);
        HostPort backend = new HostPort("127.0.0.1", http.getAddress().getPort());
        monitor = start(check(HealthCheckConfig.CheckProtocol.HTTP), backend);
        awaitPassedCheck(backend);

        monitor.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("maitre-health")));
    }

    private HealthMonitor start(HealthCheckConfig check, HostPort backend) {
        HealthMonitor started = HealthMonitor.builder(Configs.proxy(Configs.cluster("api", check, null, 0,
                        List.of(backend))))
                .listener(event -> events.add(new Timed(System.nanoTime(), event)))
                .build();
        started.start();
        return started;
    }

    private void awaitPassedCheck(HostPort backend) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            BackendHealth health = monitor.cluster("api").orElseThrow().backends().get(0);
            return health.address().equals(backend) && health.lastCheck() != null && health.lastCheck().ok();
        });
    }

    private Timed awaitTransition(HostPort backend, HealthState to) {
        int seen = events.size();
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> events.subList(seen, events.size()).stream()
                        .filter(e -> e.event().backend().equals(backend) && e.event().to() == to
                                && e.event().kind() == HealthEvent.Kind.TRANSITION)
                        .findFirst().orElse(null),
                found -> found != null);
    }

    private static HealthCheckConfig check(HealthCheckConfig.CheckProtocol protocol) {
        return new HealthCheckConfig(protocol, "/healthz", null, StatusRanges.parse("200-399"), INTERVAL, TIMEOUT,
                FALL, RISE, JITTER, HealthState.HEALTHY);
    }

    private static HttpServer startHttp(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
