package dev.maitre.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.Map;

/** WebSockets through a {@link ProxyFixture} to {@link WebSocketEchoServer}s, and which backend each reached. */
public final class WebSockets {

    public static final Duration WAIT = Duration.ofSeconds(20);

    /** A WebSocket through the proxy and the backend (of those given) that accepted its handshake. */
    public record Placed(WebSocketTestClient client, WebSocketEchoServer backend) {
    }

    private WebSockets() {
    }

    /** The proxy's listener as an address a WebSocket URI can name. */
    public static HostPort at(ProxyFixture proxy) {
        return new HostPort("127.0.0.1", proxy.address().getPort());
    }

    /** The cluster member {@code backend} of the fixture's cluster. */
    public static BackendId id(WebSocketEchoServer backend) {
        return new BackendId(ProxyFixture.CLUSTER, backend.address());
    }

    /**
     * Opens a WebSocket at {@code /ws} through {@code proxy} and finds which of {@code backends}
     * accepted it, by their handshake counts (after a first echo); connects must not run
     * concurrently with this one.
     */
    public static Placed connect(ProxyFixture proxy, Map<String, String> headers, WebSocketEchoServer... backends)
            throws Exception {
        int[] before = new int[backends.length];
        for (int i = 0; i < backends.length; i++) {
            before[i] = backends[i].handshakes();
        }
        WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws", headers);
        // The server counts a handshake once its answer is written, which may be a moment after the
        // client read it; an echo comes after that.
        assertEchoes(client, "hello");
        WebSocketEchoServer reached = null;
        for (int i = 0; i < backends.length; i++) {
            int grown = backends[i].handshakes() - before[i];
            assertThat(grown).as("new handshakes of backend %s", backends[i].address()).isBetween(0, 1);
            if (grown == 1) {
                assertThat(reached).as("a second backend accepted the same handshake").isNull();
                reached = backends[i];
            }
        }
        assertThat(reached).as("the backend that accepted the handshake").isNotNull();
        return new Placed(client, reached);
    }

    public static Placed connect(ProxyFixture proxy, WebSocketEchoServer... backends) throws Exception {
        return connect(proxy, Map.of(), backends);
    }

    /** Sends {@code text} and expects it back. */
    public static void assertEchoes(WebSocketTestClient client, String text) throws InterruptedException {
        client.sendText(text);
        assertThat(client.awaitText(WAIT)).isEqualTo(text);
    }
}
