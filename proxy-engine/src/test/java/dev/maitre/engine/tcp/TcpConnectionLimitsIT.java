package dev.maitre.engine.tcp;

import static dev.maitre.engine.tcp.TcpRelayIT.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How long a tcp connection may live and how many may be open: idle timeout, limit, shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpConnectionLimitsIT {

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void connectionWithNoBytesEitherWayIsClosedAfterTheIdleTimeout(RelayMode relay) throws Exception {
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address())
                     .listenerTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)).start();
             RawClient client = proxy.client()) {
            client.send("x");
            assertThat(TcpPeers.readText(client.input(), 1)).isEqualTo("x");
            long start = System.nanoTime();

            assertThat(client.isClosedByPeer(5000)).isTrue();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(waited).isBetween(250L, 2000L);
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void connectionMovingBytesOutlivesTheIdleTimeout(RelayMode relay) throws Exception {
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address())
                     .listenerTimeouts(Duration.ofSeconds(10), Duration.ofMillis(1000)).start();
             RawClient client = proxy.client()) {
            // 2 s in all, twice the idle timeout, with a byte every 250 ms: a gap would have to stretch
            // fourfold on a loaded machine before the timeout could fire on a connection in use.
            for (int i = 0; i < 8; i++) {
                client.send("x");
                assertThat(TcpPeers.readText(client.input(), 1)).isEqualTo("x");
                Thread.sleep(250);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void connectionsBeyondTheLimitAreClosedAtAccept(RelayMode relay) throws Exception {
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).maxConnections(2).start();
             RawClient first = proxy.client();
             RawClient second = proxy.client()) {
            for (RawClient client : new RawClient[] {first, second}) {
                client.send("x");
                assertThat(TcpPeers.readText(client.input(), 1)).isEqualTo("x");
            }

            try (RawClient third = proxy.client()) {
                assertThat(third.isClosedByPeer(5000)).isTrue();
            }
            first.close();
            waitUntil(() -> proxy.engine().openConnections() == 1);
            try (RawClient fourth = proxy.client()) {
                fourth.send("y");
                assertThat(TcpPeers.readText(fourth.input(), 1)).isEqualTo("y");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void shutdownLetsOpenConnectionsRunUntilTheGracePeriodEnds(RelayMode relay) throws Exception {
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            client.send("x");
            assertThat(TcpPeers.readText(client.input(), 1)).isEqualTo("x");
            var address = proxy.address();

            long start = System.nanoTime();
            CompletableFuture<Void> stopped = proxy.engine().shutdown(Duration.ofMillis(800));
            Thread.sleep(200);
            client.send("y");
            assertThat(TcpPeers.readText(client.input(), 1)).isEqualTo("y");
            assertThat(refused(address)).isTrue();

            assertThat(client.isClosedByPeer(5000)).isTrue();
            stopped.get(5, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(700);
        }
    }

    private static boolean refused(java.net.InetSocketAddress address) {
        try (RawClient ignored = new RawClient(address)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
