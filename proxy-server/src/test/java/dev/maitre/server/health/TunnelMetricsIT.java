package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.api.HostPort;
import dev.maitre.testing.Configs;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WebSocket through maitre as {@code GET /metrics} and {@code GET /api/clusters} show it: open
 * tunnels per listener and per backend going to 1 and back to 0, the bytes each way (the frames,
 * byte for byte) and how the tunnel ended.
 */
@Timeout(60)
class TunnelMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aWebSocketShowsAsAnOpenTunnelThenAsBytesEachWayAndAClosedTunnel() throws Exception {
        try (WebSocketEchoServer echo = WebSocketEchoServer.start();
             RunningMaitre maitre = RunningMaitre.start(
                     Configs.cluster(RunningMaitre.CLUSTER, null, null, 0, List.of(echo.address())))) {
            String listener = "{listener=\"web\"}";
            String backend = "{backend=\"" + echo.address() + "\",cluster=\"app\"}";
            assertThat(metrics(maitre)).contains("maitre_open_tunnels" + listener + " 0")
                    .contains("maitre_backend_open_tunnels" + backend + " 0");

            try (WebSocketTestClient client = WebSocketTestClient.connect(
                    new HostPort("127.0.0.1", maitre.proxy().getPort()), "/ws")) {
                client.sendText("hello");
                assertThat(client.awaitText(WAIT)).isEqualTo("hello");

                assertThat(metrics(maitre)).contains("maitre_open_tunnels" + listener + " 1")
                        .contains("maitre_backend_open_tunnels" + backend + " 1");
                JsonNode view = maitre.backend(echo.address());
                assertThat(view.get("openTunnels").asLong()).isEqualTo(1);
                assertThat(view.get("activeRequests").asInt()).isEqualTo(1);

                client.closeHandshake(1000, "bye", WAIT);
            }
            await().atMost(WAIT).until(() -> metrics(maitre).contains("maitre_open_tunnels" + listener + " 0"));

            // A client frame has a 2-byte head and a 4-byte mask, a server frame the head only:
            // "hello", then the close frames (a 2-byte code and "bye").
            long up = (6 + 5) + (6 + 2 + 3);
            long down = (2 + 5) + (2 + 2 + 3);
            String text = metrics(maitre);
            assertThat(text).contains("maitre_backend_open_tunnels" + backend + " 0")
                    .contains("maitre_tunnel_bytes_total{direction=\"client_to_backend\",listener=\"web\"} " + up)
                    .contains("maitre_tunnel_bytes_total{direction=\"backend_to_client\",listener=\"web\"} " + down)
                    .contains("maitre_tunnels_closed_total{listener=\"web\",reason=\"closed\"} 1")
                    .contains("maitre_tunnels_closed_total{listener=\"web\",reason=\"backend_reset\"} 0")
                    .contains("maitre_backend_tunnel_bytes_total{backend=\"" + echo.address()
                            + "\",cluster=\"app\",direction=\"client_to_backend\"} " + up)
                    .contains("maitre_backend_tunnel_bytes_total{backend=\"" + echo.address()
                            + "\",cluster=\"app\",direction=\"backend_to_client\"} " + down)
                    .contains("maitre_backend_tunnels_closed_total{backend=\"" + echo.address()
                            + "\",cluster=\"app\",reason=\"closed\"} 1");
            assertThat(maitre.backend(echo.address()).get("openTunnels").asLong()).isZero();
        }
    }

    private static String metrics(RunningMaitre maitre) throws Exception {
        return maitre.admin("GET", "/metrics").body();
    }
}
