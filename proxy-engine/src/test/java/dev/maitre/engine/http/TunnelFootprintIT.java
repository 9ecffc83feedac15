package dev.maitre.engine.http;

import static dev.maitre.engine.testing.WebSockets.WAIT;
import static dev.maitre.engine.testing.WebSockets.assertEchoes;
import static dev.maitre.engine.testing.WebSockets.at;
import static dev.maitre.engine.testing.WebSockets.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.maitre.api.HostPort;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.LiveHeap;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.Requirements;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live heap a thousand open WebSocket tunnels cost the proxy, and that it is all let go when they
 * close. The proxy, its backend and the clients share this JVM, so the proxy's part is what a
 * thousand WebSockets through it hold beyond a thousand WebSockets straight to the backend (the
 * clients' and the backend's objects are the same either way).
 *
 * <p>What a tunnel should hold: two Netty channels (about 1.1 KiB each for an idle HTTP connection,
 * see docs/architecture.md, "What an idle connection holds"), the exchange that opened it (its
 * request, try and client-side handler), the pair relay with its two relay handlers and idle timer,
 * and no buffer once the message is echoed: a few KiB. 16 KiB leaves room for the JVM and Netty
 * versions to differ and still catches a tunnel that keeps a read buffer or its handshake's bytes.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(120)
class TunnelFootprintIT {

    private static final int TUNNELS = 1_000;
    private static final int WARM_UP = 200;
    private static final long MAX_BYTES_PER_TUNNEL = 16 * 1024;
    /**
     * What may stay behind per closed tunnel: tables grown for a thousand connections and caches of
     * reusable objects (about 300 bytes per tunnel, a tenth of it the fixture's list of outcomes),
     * never a tunnel's own objects, some 5,000 bytes.
     */
    private static final long MAX_LEFT_PER_TUNNEL = 512;

    /** The live heap before, with, and after {@code count} WebSockets, and what grew class by class. */
    private record Reading(int count, long before, long open, long closed, Map<String, Long> growth,
                           Map<String, Long> left) {
    }

    @Test
    void aThousandOpenTunnelsHoldAFewKibibytesEachAndNothingOnceClosed() throws Exception {
        // Each tunnel is four sockets in this JVM: the client's, the proxy's two and the backend's.
        // A machine whose open-file limit is lower skips it; in CI, whose limit is 20,000, it must run.
        Requirements.require(freeFileDescriptors() > 4L * TUNNELS + 500,
                (4L * TUNNELS + 500) + " free file descriptors (ulimit -n)");
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address())) {
            // A first round of each loads and compiles what a WebSocket needs, and fills the caches.
            measure(proxy, backend, backend.address(), WARM_UP);
            measure(proxy, backend, at(proxy), WARM_UP);

            // Measured at Netty's default leak detection, as a proxy runs: at paranoid, as tests run, each
            // live buffer carries the stack traces of its last uses, kilobytes of heap. Leaks still
            // show: the warm-up ran at paranoid, and one buffer in 128 is still tracked.
            Reading direct;
            Reading proxied;
            ResourceLeakDetector.Level testLevel = ResourceLeakDetector.getLevel();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            try {
                direct = measure(proxy, backend, backend.address(), TUNNELS);
                proxied = measure(proxy, backend, at(proxy), TUNNELS);
            } finally {
                ResourceLeakDetector.setLevel(testLevel);
            }

            // The fixture keeps every outcome the proxy reports, one per handshake: the test's, not the proxy's.
            long outcomes = proxied.growth().getOrDefault(Outcome.class.getName(), 0L);
            long perTunnel = ((proxied.open() - proxied.before()) - (direct.open() - direct.before()) - outcomes)
                    / TUNNELS;
            System.out.print(report(perTunnel, direct, proxied));
            assertThat(perTunnel).as("bytes of live heap per open tunnel, both connections")
                    .isPositive().isLessThan(MAX_BYTES_PER_TUNNEL);
            assertThat((proxied.closed() - proxied.before()) / TUNNELS).as("bytes left per tunnel once closed")
                    .isLessThan(MAX_LEFT_PER_TUNNEL);
            assertThat(proxy.engine().activeRequests(id(backend))).isZero();
            assertThat(proxy.engine().bufferedBytes()).isZero();
        }
    }

    /** Opens {@code count} WebSockets to {@code target}, one echo on each, keeps them open, then closes them. */
    private static Reading measure(ProxyFixture proxy, WebSocketEchoServer backend, HostPort target, int count)
            throws Exception {
        awaitQuiet(proxy, backend);
        // The readings after this one hold one histogram, this one: so does this one, the first.
        LiveHeap first = LiveHeap.take();
        LiveHeap before = LiveHeap.take();
        first.bytesByClass().clear();
        List<WebSocketTestClient> clients = new ArrayList<>(count);
        long open;
        Map<String, Long> growth;
        try {
            for (int i = 0; i < count; i++) {
                WebSocketTestClient client = WebSocketTestClient.connect(target, "/ws");
                clients.add(client);
                assertEchoes(client, "message " + i);
            }
            await().atMost(WAIT).until(() -> backend.openWebSockets() == count);
            // What the last connections do after their echo (the proxy's writes completing) is done.
            Thread.sleep(200);
            LiveHeap withTunnels = LiveHeap.take();
            open = withTunnels.bytes();
            growth = before.growthTo(withTunnels);
            withTunnels.bytesByClass().clear();
        } finally {
            for (WebSocketTestClient client : clients) {
                client.close();
            }
            clients.clear();
        }
        awaitQuiet(proxy, backend);
        LiveHeap closed = LiveHeap.take();
        return new Reading(count, before.bytes(), open, closed.bytes(), growth, before.growthTo(closed));
    }

    /** No connection open at the proxy or the backend, none counted active. */
    private static void awaitQuiet(ProxyFixture proxy, WebSocketEchoServer backend) throws InterruptedException {
        await().atMost(WAIT).until(() -> proxy.engine().openConnections() == 0 && backend.openConnections() == 0
                && proxy.engine().activeRequests(id(backend)) == 0);
        // A connection leaves the counts as it closes, a moment before its handlers have let it go.
        Thread.sleep(200);
    }

    private static long freeFileDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return Long.MAX_VALUE;
    }

    /** The figure and the classes that make it, per tunnel: what grew through the proxy beyond what grew directly. */
    private static String report(long perTunnel, Reading direct, Reading proxied) {
        Map<String, Long> proxyOnly = new HashMap<>(proxied.growth());
        direct.growth().forEach((name, bytes) -> proxyOnly.merge(name, -bytes, Long::sum));
        StringBuilder out = new StringBuilder(String.format("%,d tunnels: %,d bytes of live heap per tunnel at the proxy"
                + " (%,d through it, %,d direct, per WebSocket); %,d left per tunnel once closed%n", TUNNELS, perTunnel,
                (proxied.open() - proxied.before()) / TUNNELS, (direct.open() - direct.before()) / TUNNELS,
                (proxied.closed() - proxied.before()) / TUNNELS));
        long maitre = proxyOnly.entrySet().stream().filter(e -> e.getKey().startsWith("dev.maitre."))
                .mapToLong(Map.Entry::getValue).sum();
        out.append(String.format("%10.1f  (maitre's own classes)%n", (double) maitre / TUNNELS));
        proxyOnly.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Long> e) -> -Math.abs(e.getValue())))
                .limit(60)
                .forEach(e -> out.append(String.format("%10.1f  %s%n", (double) e.getValue() / TUNNELS, e.getKey())));
        out.append("left once closed:\n");
        proxied.left().entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Long> e) -> -Math.abs(e.getValue())))
                .limit(12)
                .forEach(e -> out.append(String.format("%10.1f  %s%n", (double) e.getValue() / TUNNELS, e.getKey())));
        return out.toString();
    }
}
