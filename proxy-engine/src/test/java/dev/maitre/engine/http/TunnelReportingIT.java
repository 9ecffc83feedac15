package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What a tunnel tells about itself, through a real WebSocket client, maitre and a real WebSocket
 * backend: open counts that go up and back down, the bytes each way (the WebSocket frames, byte for
 * byte), how it ended, and its access-log line.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class TunnelReportingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A client frame carries a 4-byte mask; a server frame does not. Payloads up to 125 bytes: 2-byte header. */
    private static final int CLIENT_FRAME = 2 + 4;
    private static final int SERVER_FRAME = 2;

    private final Logger accessLogger = (Logger) LoggerFactory.getLogger("maitre.access");
    private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void captureTheAccessLog() {
        levelBefore = accessLogger.getLevel();
        accessLogger.setLevel(Level.INFO);
        accessLines.start();
        accessLogger.addAppender(accessLines);
    }

    @AfterEach
    void releaseTheAccessLog() {
        accessLogger.detachAppender(accessLines);
        accessLogger.setLevel(levelBefore);
    }

    @Test
    void aWebSocketIsCountedOpenUntilItsCloseHandshakeWithItsBytesEachWayAndOneAccessLogLine() throws Exception {
        byte[] binary = new byte[1000];
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).accessLog(true).start()) {
            Tunnels tunnels = proxy.engine().tunnels();
            TunnelCounts listener = tunnels.ofListener(ProxyFixture.LISTENER);
            TunnelCounts toBackend = tunnels.ofBackend(new BackendId(ProxyFixture.CLUSTER, backend.address()));
            try (WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
                assertThat(listener.open()).isEqualTo(1);
                assertThat(toBackend.open()).isEqualTo(1);

                client.sendText("hello");
                assertThat(client.awaitText(WAIT)).isEqualTo("hello");
                client.sendBinary(binary);
                assertThat(client.awaitBinary(WAIT)).isEqualTo(binary);
                client.closeHandshake(1000, "bye", WAIT);
                await().atMost(WAIT).until(() -> listener.open() == 0);
            }

            // text: 5 bytes; binary: 1000 bytes, with a 2-byte extended length; close: code and "bye".
            long up = (CLIENT_FRAME + 5) + (CLIENT_FRAME + 2 + 1000) + (CLIENT_FRAME + 2 + 3);
            long down = (SERVER_FRAME + 5) + (SERVER_FRAME + 2 + 1000) + (SERVER_FRAME + 2 + 3);
            for (TunnelCounts counts : List.of(listener, toBackend)) {
                assertThat(counts.open()).isZero();
                assertThat(counts.bytesFromClient()).isEqualTo(up);
                assertThat(counts.bytesFromBackend()).isEqualTo(down);
                assertThat(counts.ended(PairRelay.End.CLOSED)).isEqualTo(1);
            }
            String line = awaitTunnelLine();
            assertThat(line).matches("127\\.0\\.0\\.1 \"GET /ws HTTP/1\\.1\" 101 " + down + " \\d+ms app "
                    + backend.address() + " tunnel=\\d+ms up=" + up + " down=" + down + " end=closed");
        }
    }

    @Test
    void aBackendCrashEndsTheTunnelAsABackendReset() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).accessLog(true).start();
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            TunnelCounts toBackend = proxy.engine().tunnels()
                    .ofBackend(new BackendId(ProxyFixture.CLUSTER, backend.address()));
            assertThat(toBackend.open()).isEqualTo(1);

            backend.crash();

            assertThat(client.awaitConnectionEnd(WAIT).abrupt()).isTrue();
            await().atMost(WAIT).until(() -> toBackend.open() == 0);
            assertThat(toBackend.ended(PairRelay.End.BACKEND_RESET)).isEqualTo(1);
            assertThat(proxy.engine().tunnels().ofListener(ProxyFixture.LISTENER).ended(PairRelay.End.BACKEND_RESET))
                    .isEqualTo(1);
            assertThat(awaitTunnelLine()).endsWith(" end=backend_reset");
        }
    }

    @Test
    void aClientResetEndsTheTunnelAsAClientReset() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).accessLog(true).start()) {
            TunnelCounts listener = proxy.engine().tunnels().ofListener(ProxyFixture.LISTENER);
            try (RawClient client = proxy.client()) {
                client.send("GET /ws HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertThat(client.response().status()).isEqualTo(101);
                assertThat(listener.open()).isEqualTo(1);
                client.socket().setSoLinger(true, 0);
            }

            await().atMost(WAIT).until(() -> listener.open() == 0);
            assertThat(listener.ended(PairRelay.End.CLIENT_RESET)).isEqualTo(1);
            assertThat(awaitTunnelLine()).endsWith(" up=0 down=0 end=client_reset");
        }
    }

    @Test
    void aTunnelWithoutTrafficForTunnelIdleEndsAsIdle() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tunnelIdle(Duration.ofMillis(300))
                     .accessLog(true).start();
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            TunnelCounts listener = proxy.engine().tunnels().ofListener(ProxyFixture.LISTENER);

            client.awaitConnectionEnd(WAIT);

            await().atMost(WAIT).until(() -> listener.open() == 0);
            assertThat(listener.ended(PairRelay.End.IDLE)).isEqualTo(1);
            assertThat(awaitTunnelLine()).endsWith(" end=idle");
        }
    }

    @Test
    void aTunnelStillOpenWhenTheGracePeriodEndsEndsAsShutdown() throws Exception {
        try (WebSocketEchoServer backend = WebSocketEchoServer.start();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             WebSocketTestClient client = WebSocketTestClient.connect(at(proxy), "/ws")) {
            TunnelCounts listener = proxy.engine().tunnels().ofListener(ProxyFixture.LISTENER);

            proxy.engine().shutdown(Duration.ZERO).join();

            client.awaitConnectionEnd(WAIT);
            await().atMost(WAIT).until(() -> listener.open() == 0);
            assertThat(listener.ended(PairRelay.End.SHUTDOWN)).isEqualTo(1);
            assertThat(listener.ended(PairRelay.End.CLOSED)).isZero();
        }
    }

    /** The access log's one line with status 101, once it is written. */
    private String awaitTunnelLine() {
        await().atMost(WAIT).until(() -> tunnelLines().size() == 1);
        return tunnelLines().get(0);
    }

    private List<String> tunnelLines() {
        return List.copyOf(accessLines.list).stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains("\" 101 ")).toList();
    }

    private static HostPort at(ProxyFixture proxy) {
        return new HostPort("127.0.0.1", proxy.address().getPort());
    }
}
