package dev.maitre.engine.http;

import static dev.maitre.engine.testing.WebSockets.WAIT;
import static dev.maitre.engine.testing.WebSockets.assertEchoes;
import static dev.maitre.engine.testing.WebSockets.connect;
import static dev.maitre.engine.testing.WebSockets.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.engine.testing.WebSockets.Placed;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reload leaves open tunnels alone: they go on relaying to the backend they were opened to, and
 * keep the {@code timeouts.tunnelIdle} they opened with, while new WebSockets follow the reloaded
 * configuration.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class TunnelReloadIT {

    private static final Duration SHORT_IDLE = Duration.ofSeconds(1);
    private static final Duration LONG_IDLE = Duration.ofHours(1);

    @Test
    void anOpenTunnelKeepsItsBackendWhileNewWebSocketsFollowTheReloadedRoutes() throws Exception {
        try (WebSocketEchoServer first = WebSocketEchoServer.start();
             WebSocketEchoServer second = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(first.address()).cluster("other", second.address()).start()) {
            Placed open = connect(proxy, first, second);
            assertThat(open.backend()).isSameAs(first);
            try (WebSocketTestClient tunnel = open.client()) {
                // New routes, and the first cluster's pool settings changed, so its pools are replaced.
                proxy.engine().reload(ProxyFixture.builder(first.address()).cluster("other", second.address())
                        .pool(4, Duration.ofSeconds(30)).routes(List.of(RouteConfig.catchAll("other"))).config());

                assertEchoes(tunnel, "after the reload");
                Placed next = connect(proxy, first, second);
                assertThat(next.backend()).isSameAs(second);
                next.client().close();
                assertEchoes(tunnel, "still after the reload");
                assertThat(first.openWebSockets()).isEqualTo(1);
                assertThat(proxy.engine().activeRequests(id(first))).as("the open tunnel").isEqualTo(1);
            }
            await().atMost(WAIT).until(() -> proxy.engine().activeRequests(id(first)) == 0
                    && proxy.engine().openConnections() == 0);
        }
    }

    @Test
    void aTunnelOfAListenerGoneFromTheConfigurationRunsOn() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient tunnel = connect(proxy, backend).client()) {
            ProxyConfig old = ProxyFixture.builder(backend.address()).config();
            ListenerConfig renamed = ListenerConfig.http("renamed", new HostPort("127.0.0.1", 0),
                    List.of(RouteConfig.catchAll(ProxyFixture.CLUSTER)));
            proxy.engine().reload(new ProxyConfig(old.admin(), old.workers(), old.shutdownGracePeriod(),
                    old.accessLog(), List.of(renamed), old.clusters()));
            // Longer than it takes the connections of the gone listener to be asked to end.
            Thread.sleep(300);

            assertEchoes(tunnel, "after its listener is gone");
            HostPort moved = new HostPort("127.0.0.1", proxy.engine().address("renamed").getPort());
            try (WebSocketTestClient next = WebSocketTestClient.connect(moved, "/ws")) {
                assertEchoes(next, "through the new listener");
            }
            assertEchoes(tunnel, "still open");
        }
    }

    @Test
    void aShorterTunnelIdleAppliesToTunnelsOpenedAfterTheReloadOnly() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tunnelIdle(LONG_IDLE).start();
             WebSocketTestClient before = connect(proxy, backend).client()) {
            proxy.engine().reload(ProxyFixture.builder(backend.address()).tunnelIdle(SHORT_IDLE).config());

            WebSocketTestClient after = connect(proxy, backend).client();
            long openedAt = System.nanoTime();
            after.awaitConnectionEnd(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - openedAt)).as("idle before the new tunnel closed")
                    .isGreaterThan(SHORT_IDLE.minusMillis(200));
            after.close();

            // The tunnel opened before the reload has been idle longer than the new timeout by now.
            assertEchoes(before, "still open");
        }
    }

    @Test
    void aLongerTunnelIdleLeavesATunnelOpenedBeforeTheReloadWithItsShortOne() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tunnelIdle(SHORT_IDLE).start()) {
            WebSocketTestClient before = connect(proxy, backend).client();
            proxy.engine().reload(ProxyFixture.builder(backend.address()).tunnelIdle(LONG_IDLE).config());
            try (WebSocketTestClient after = connect(proxy, backend).client()) {
                before.awaitConnectionEnd(WAIT);
                before.close();
                Thread.sleep(SHORT_IDLE.multipliedBy(2).toMillis());

                assertEchoes(after, "still open");
            }
        }
    }
}
