package dev.maitre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WebSocketTestClient} against {@link WebSocketEchoServer}, directly on loopback. */
@Timeout(30)
class WebSocketEchoIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private WebSocketEchoServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = WebSocketEchoServer.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void aThousandTextMessagesComeBackInOrder() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            for (int i = 0; i < 1000; i++) {
                client.sendText("message " + i);
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(client.awaitText(WAIT)).isEqualTo("message " + i);
            }
            assertThat(client.pendingMessages()).isZero();
        }
    }

    @Test
    void a16MiBBinaryMessageComesBackWhole() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(message);
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            client.sendBinary(message);

            assertThat(client.awaitBinary(Duration.ofSeconds(20))).isEqualTo(message);
        }
    }

    @Test
    void aFragmentedMessageComesBackAsOne() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            client.send(new TextWebSocketFrame(false, 0, "frag"));
            client.send(new ContinuationWebSocketFrame(true, 0, "ments"));

            assertThat(client.awaitText(WAIT)).isEqualTo("fragments");
        }
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            client.sendPing("are you there".getBytes(StandardCharsets.UTF_8));

            assertThat(new String(client.awaitPong(WAIT), StandardCharsets.UTF_8)).isEqualTo("are you there");
        }
    }

    @Test
    void theServerCanSpeakFirst() throws Exception {
        try (WebSocketTestClient first = WebSocketTestClient.connect(server.address(), "/ws");
                WebSocketTestClient second = WebSocketTestClient.connect(server.address(), "/ws")) {
            // The client has the 101 a moment before the server counts the WebSocket as open.
            await().atMost(WAIT).until(() -> server.openWebSockets() == 2);
            server.sendToAll("news");

            assertThat(first.awaitText(WAIT)).isEqualTo("news");
            assertThat(second.awaitText(WAIT)).isEqualTo("news");
            assertThat(server.openWebSockets()).isEqualTo(2);
        }
    }

    @Test
    void theCloseHandshakeReturnsTheStatusAndEndsTheConnection() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            WebSocketTestClient.CloseStatus answer = client.closeHandshake(4000, "done here", WAIT);

            assertThat(answer).isEqualTo(new WebSocketTestClient.CloseStatus(4000, "done here"));
            assertThat(client.isOpen()).isFalse();
            assertThat(client.awaitConnectionEnd(WAIT).abrupt()).isFalse();
        }
    }

    @Test
    void aClosingServerSendsGoingAway() throws Exception {
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            server.close();

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1001);
            assertThat(client.awaitConnectionEnd(WAIT).abrupt()).isFalse();
        }
    }

    @Test
    void aCrashedServerResetsTheConnectionWithoutACloseFrameAndStopsListening() throws Exception {
        HostPort address = server.address();
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws")) {
            client.sendText("before the crash");
            assertThat(client.awaitText(WAIT)).isEqualTo("before the crash");

            server.crash();

            WebSocketTestClient.ConnectionEnd end = client.awaitConnectionEnd(WAIT);
            assertThat(end.abrupt()).isTrue();
            assertThat(end.error()).isInstanceOf(IOException.class);
            assertThat(server.openConnections()).isZero();
        }
        assertThatThrownBy(() -> WebSocketTestClient.connect(address, "/ws")).isInstanceOf(ConnectException.class);
    }

    @Test
    void theServerRecordsTheHandshakeRequest() throws Exception {
        assertThat(server.handshakes()).isZero();
        try (WebSocketTestClient client = WebSocketTestClient.connect(server.address(), "/ws?room=7",
                Map.of("Cookie", "user=42", "X-Test", "yes"))) {
            assertThat(client.handshakeStatus()).isEqualTo(101);
            assertThat(client.handshakeHeaders().get("Upgrade")).isEqualToIgnoringCase("websocket");
        }

        assertThat(server.handshakes()).isEqualTo(1);
        assertThat(server.lastHandshakeUri()).isEqualTo("/ws?room=7");
        assertThat(server.lastHandshakeHeaders().get("Cookie")).isEqualTo("user=42");
        assertThat(server.lastHandshakeHeaders().get("X-Test")).isEqualTo("yes");
        assertThat(server.lastHandshakeHeaders().get("Host")).isEqualTo(server.address().toString());
    }

    @Test
    void aPlainRequestOnAnotherPathIsAnsweredAndNamesTheServer() throws Exception {
        try (RawClient client = new RawClient(server.socketAddress())) {
            HttpMessage response = client.get("/hello");

            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .isEqualTo("websocket echo server " + server.address() + "\n");
        }
        assertThat(server.handshakes()).isZero();
    }

    @Test
    void anUpgradeOnAnotherPathIsRefusedWithThePlainAnswer() throws Exception {
        WebSocketHandshakeRefused refused = WebSocketTestClient.refusal(server.address(), "/elsewhere", Map.of());

        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.body()).startsWith("websocket echo server");
        assertThat(server.handshakes()).isZero();
    }

    @Test
    void aRefusingBackendsStatusReachesTheClient() throws Exception {
        try (RawBackend backend = RawBackend.replying(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12\r\nConnection: close\r\n\r\nno backends\n")) {
            WebSocketHandshakeRefused refused = WebSocketTestClient.refusal(backend.address(), "/ws", Map.of());

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("no backends\n");
            assertThat(backend.requests().get(0).header("Upgrade")).isEqualToIgnoringCase("websocket");
        }
    }
}
