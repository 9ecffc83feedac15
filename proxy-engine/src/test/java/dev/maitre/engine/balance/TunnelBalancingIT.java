package dev.maitre.engine.balance;

import static dev.maitre.engine.testing.WebSockets.WAIT;
import static dev.maitre.engine.testing.WebSockets.connect;
import static dev.maitre.engine.testing.WebSockets.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.HashOn;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.engine.testing.WebSockets.Placed;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WebSocket handshakes are balanced like any request, and an open tunnel counts as one active
 * request of its backend.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class TunnelBalancingIT {

    private static final int USERS = 12;

    @Test
    void leastConnectionsSendsRequestsAndTunnelsAwayFromTheBackendHoldingATunnel() throws Exception {
        try (WebSocketEchoServer a = WebSocketEchoServer.start();
             WebSocketEchoServer b = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(a.address(), b.address())
                     .balancer(BalancerKind.LEAST_CONNECTIONS).start()) {
            Placed first = connect(proxy, a, b);
            WebSocketEchoServer holding = first.backend();
            WebSocketEchoServer other = holding == a ? b : a;
            assertThat(proxy.engine().activeRequests(id(holding))).as("the open tunnel").isEqualTo(1);

            for (int i = 0; i < 20; i++) {
                try (RawClient client = proxy.client()) {
                    String answer = client.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n").response().bodyText();
                    assertThat(answer).as("plain request %s", i).contains(other.address().toString());
                }
            }
            Placed second = connect(proxy, a, b);
            assertThat(second.backend()).as("the second tunnel").isSameAs(other);

            first.client().close();
            await().atMost(WAIT).until(() -> proxy.engine().activeRequests(id(holding)) == 0);
            Placed third = connect(proxy, a, b);
            assertThat(third.backend()).as("the third tunnel, once the first ended").isSameAs(holding);
            second.client().close();
            third.client().close();
        }
    }

    @Test
    void consistentHashOnACookieKeepsEachUsersWebSocketsOnOneBackend() throws Exception {
        assertEachUserStaysOnOneBackend(HashOn.cookie("session"), user -> Map.of("Cookie", "theme=dark; session=" + user));
    }

    @Test
    void consistentHashOnAHeaderKeepsEachUsersWebSocketsOnOneBackend() throws Exception {
        assertEachUserStaysOnOneBackend(HashOn.header("X-User"), user -> Map.of("X-User", user));
    }

    private interface UserHeaders {
        Map<String, String> of(String user);
    }

    /**
     * Each user opens three WebSockets, one after another, keeping them all open (so the load of
     * the backends changes between them); every one reaches the same backend.
     */
    private static void assertEachUserStaysOnOneBackend(HashOn hashOn, UserHeaders headers) throws Exception {
        try (WebSocketEchoServer a = WebSocketEchoServer.start();
             WebSocketEchoServer b = WebSocketEchoServer.start();
             WebSocketEchoServer c = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(a.address(), b.address(), c.address())
                     .balancer(BalancerKind.CONSISTENT_HASH).hashOn(hashOn).start()) {
            List<WebSocketTestClient> open = new ArrayList<>();
            Set<WebSocketEchoServer> used = new HashSet<>();
            try {
                for (int user = 0; user < USERS; user++) {
                    WebSocketEchoServer chosen = null;
                    for (int i = 0; i < 3; i++) {
                        Placed placed = connect(proxy, headers.of("user-" + user), a, b, c);
                        open.add(placed.client());
                        assertThat(placed.backend()).as("user-%s, WebSocket %s", user, i)
                                .isSameAs(chosen == null ? placed.backend() : chosen);
                        chosen = placed.backend();
                    }
                    used.add(chosen);
                }
            } finally {
                for (WebSocketTestClient client : open) {
                    client.close();
                }
            }
            assertThat(used).as("backends chosen for %s users", USERS).hasSizeGreaterThan(1);
        }
    }
}
