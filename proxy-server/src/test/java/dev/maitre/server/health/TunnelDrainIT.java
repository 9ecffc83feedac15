package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.testing.Configs;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Draining a backend through the admin API while WebSockets are open to it: they go on echoing and
 * count as its active requests until they end, and new WebSockets go to the other backend.
 */
@Timeout(60)
class TunnelDrainIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aDrainedBackendKeepsItsOpenTunnelsAndGetsNoNewOnes() throws Exception {
        try (WebSocketEchoServer first = WebSocketEchoServer.start();
             WebSocketEchoServer second = WebSocketEchoServer.start();
             RunningMaitre maitre = RunningMaitre.start(Configs.cluster(RunningMaitre.CLUSTER, null, null, 0,
                     List.of(first.address(), second.address())))) {
            HostPort proxy = new HostPort("127.0.0.1", maitre.proxy().getPort());
            // Round robin: two WebSockets, one on each backend.
            WebSocketTestClient one = WebSocketTestClient.connect(proxy, "/ws");
            WebSocketTestClient two = WebSocketTestClient.connect(proxy, "/ws");
            try {
                assertEchoes(one, "one");
                assertEchoes(two, "two");
                assertThat(first.openWebSockets()).isEqualTo(1);
                assertThat(second.openWebSockets()).isEqualTo(1);

                HttpResponse<String> drain = maitre.admin("POST",
                        "/api/clusters/app/backends/" + first.address() + "/drain");
                assertThat(drain.statusCode()).as(drain.body()).isEqualTo(200);
                assertThat(RunningMaitre.json(drain.body()).get("state").asText()).isEqualTo("DRAINING");
                // Longer than a sweep of the pools, which close idle connections of backends not eligible.
                Thread.sleep(600);

                assertEchoes(one, "one, drained");
                assertEchoes(two, "two, drained");
                for (int i = 0; i < 6; i++) {
                    try (WebSocketTestClient next = WebSocketTestClient.connect(proxy, "/ws")) {
                        assertEchoes(next, "next " + i);
                    }
                }
                assertThat(first.handshakes()).as("handshakes of the drained backend").isEqualTo(1);
                assertThat(second.handshakes()).isEqualTo(7);
                assertThat(first.openWebSockets()).isEqualTo(1);
                assertThat(maitre.backend(first.address()).get("activeRequests").asInt())
                        .as("the drained backend's open tunnel").isEqualTo(1);
            } finally {
                one.close();
                two.close();
            }
            await().atMost(WAIT).until(() -> maitre.backend(first.address()).get("activeRequests").asInt() == 0);
            assertThat(maitre.state(first.address())).isEqualTo("DRAINING");
        }
    }

    private static void assertEchoes(WebSocketTestClient client, String text) throws InterruptedException {
        client.sendText(text);
        assertThat(client.awaitText(WAIT)).isEqualTo(text);
    }
}
