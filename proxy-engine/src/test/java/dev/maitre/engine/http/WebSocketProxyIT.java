package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WebSocket through the proxy, end to end: a real WebSocket server (Netty's websocketx) behind
 * maitre, a real WebSocket client in front of it.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class WebSocketProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void tenThousandTextMessagesAreEchoedInOrder() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            assertThat(client.handshakeStatus()).isEqualTo(101);
            for (int i = 0; i < 10_000; i++) {
                client.sendText("message " + i);
                if (i % 500 == 499) {
                    // The client's queue of echoes stays small: a window of 500 messages in flight.
                    for (int j = i - 499; j <= i; j++) {
                        assertThat(client.awaitText(WAIT)).isEqualTo("message " + j);
                    }
                }
            }
            assertThat(backend.handshakes()).isEqualTo(1);
        }
    }

    @Test
    void aSixteenMebibyteBinaryMessageArrivesWhole() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        new Random(7).nextBytes(message);
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            client.sendBinary(message);

            assertThat(client.awaitBinary(WAIT)).isEqualTo(message);
        }
    }

    @Test
    void pingsArePongedAndTheCloseHandshakeGoesEndToEnd() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            client.sendPing(new byte[] {1, 2, 3});
            assertThat(client.awaitPong(WAIT)).containsExactly(1, 2, 3);

            WebSocketTestClient.CloseStatus status = client.closeHandshake(4000, "done here", WAIT);

            assertThat(status.code()).isEqualTo(4000);
            assertThat(status.reason()).isEqualTo("done here");
            await().atMost(WAIT).until(() -> proxy.engine().openConnections() == 0);
            await().atMost(WAIT).until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void theHandshakesHeadersReachTheBackendAndPlainRequestsShareTheListener() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws",
                     Map.of("Cookie", "session=abc", "Sec-WebSocket-Protocol", "chat"));
             RawClient plain = proxy.client()) {
            assertThat(backend.lastHandshakeHeaders().get("cookie")).isEqualTo("session=abc");
            assertThat(backend.lastHandshakeHeaders().get("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(backend.lastHandshakeHeaders().get("upgrade")).isEqualToIgnoringCase("websocket");

            plain.send("GET /plain HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                    + "Upgrade: websocket\r\n\r\n");
            HttpMessage answer = plain.response();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(backend.lastHandshakeUri()).isEqualTo("/ws");
            assertThat(backend.handshakes()).isEqualTo(1);
        }
    }

    @Test
    void aBackendCrashEndsTheClientsConnectionAndTheNextConnectReachesAHealthyBackend() throws Exception {
        try (WebSocketEchoServer crashing = WebSocketEchoServer.start();
             WebSocketEchoServer healthy = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(crashing.address(), healthy.address())) {
            WebSocketTestClient first = WebSocketTestClient.connect(at(proxy), "/ws");
            WebSocketTestClient second = WebSocketTestClient.connect(at(proxy), "/ws");
            try {
                // A client has its 101 a moment before its backend counts the WebSocket as open.
                await().atMost(WAIT).until(() -> crashing.openWebSockets() + healthy.openWebSockets() == 2);
                WebSocketTestClient onCrashing = whichOf(first, second, crashing);

                crashing.crash();

                assertThat(onCrashing.awaitConnectionEnd(WAIT).abrupt()).isTrue();
                // The connect retries on the other backend: round robin may pick the dead one first.
                try (WebSocketTestClient again = WebSocketTestClient.connect(at(proxy), "/ws")) {
                    again.sendText("still here");
                    assertThat(again.awaitText(WAIT)).isEqualTo("still here");
                }
            } finally {
                first.close();
                second.close();
            }
        }
    }

    private static HostPort at(ProxyFixture proxy) {
        return new HostPort("127.0.0.1", proxy.address().getPort());
    }

    /** Of two clients on two backends, the one whose echo comes from {@code backend}. */
    private static WebSocketTestClient whichOf(WebSocketTestClient first, WebSocketTestClient second,
                                               WebSocketEchoServer backend) throws Exception {
        int before = backend.handshakes();
        backend.sendToAll("who");
        first.sendText("ping");
        String heard = first.awaitText(WAIT);
        if (heard.equals("who")) {
            assertThat(first.awaitText(WAIT)).isEqualTo("ping");
            assertThat(backend.handshakes()).isEqualTo(before);
            return first;
        }
        assertThat(heard).isEqualTo("ping");
        assertThat(second.awaitText(WAIT)).isEqualTo("who");
        return second;
    }
}
