package dev.maitre.engine.http;

import static dev.maitre.engine.testing.WebSockets.WAIT;
import static dev.maitre.engine.testing.WebSockets.assertEchoes;
import static dev.maitre.engine.testing.WebSockets.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A graceful shutdown lets open tunnels run until its grace period ends and then closes them; one
 * that its peers end sooner lets the shutdown finish sooner.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class TunnelShutdownIT {

    private static final Duration GRACE = Duration.ofSeconds(2);

    @Test
    void anOpenTunnelRunsThroughTheGracePeriodAndIsClosedWhenItEnds() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient tunnel = connect(proxy, backend).client()) {
            long shutdownAt = System.nanoTime();
            CompletableFuture<Void> stopped = proxy.engine().shutdown(GRACE);

            Thread.sleep(GRACE.toMillis() / 4);
            assertEchoes(tunnel, "during the grace period");
            assertThat(stopped).as("shutdown with a tunnel open").isNotDone();

            tunnel.awaitConnectionEnd(WAIT);
            assertThat(Duration.ofNanos(System.nanoTime() - shutdownAt)).as("until the tunnel was closed")
                    .isGreaterThan(GRACE.minusMillis(300));
            stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            await().atMost(WAIT).until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void aTunnelThatEndsDuringTheGracePeriodLetsTheShutdownFinishEarly() throws Exception {
        Duration longGrace = Duration.ofSeconds(30);
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient tunnel = connect(proxy, backend).client()) {
            long shutdownAt = System.nanoTime();
            CompletableFuture<Void> stopped = proxy.engine().shutdown(longGrace);
            Thread.sleep(300);
            assertEchoes(tunnel, "during the grace period");
            assertThat(stopped).isNotDone();

            assertThat(tunnel.closeHandshake(1000, "bye", WAIT).code()).isEqualTo(1000);

            stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - shutdownAt)).as("until the shutdown finished")
                    .isLessThan(longGrace.dividedBy(2));
        }
    }
}
