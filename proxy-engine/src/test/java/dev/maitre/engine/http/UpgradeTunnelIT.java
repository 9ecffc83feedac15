package dev.maitre.engine.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP upgrades through the proxy, on real loopback sockets with a scripted backend: a request asking
 * for an allowed upgrade reaches the backend with {@code Connection: upgrade} and {@code Upgrade}; a
 * {@code 101} turns both connections into a byte tunnel (half-closes passed on, resets passed on,
 * its own idle timeout); any other answer leaves the connection HTTP.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(30)
class UpgradeTunnelIT {

    private static final String UPGRADE_REQUEST = "GET /chat HTTP/1.1\r\nHost: example.com\r\n"
            + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n";
    private static final String SWITCH = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    /** A backend that accepts the upgrade, says hello in the new protocol at once, then echoes until the end of input. */
    private static RawBackend switchingEcho() throws IOException {
        return switchingEcho(new CompletableFuture<>());
    }

    /** {@link #switchingEcho()}, completing {@code request} with the request it read. */
    private static RawBackend switchingEcho(CompletableFuture<HttpMessage> request) throws IOException {
        return RawBackend.start(connection -> {
            request.complete(connection.readRequest());
            connection.write(SWITCH + "hello");
            InputStream in = connection.input();
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                connection.write(Arrays.copyOf(buffer, n));
            }
            connection.write("bye");
            connection.socket().shutdownOutput();
            connection.awaitEnd();
        });
    }

    @Test
    void anUpgradeReachesTheBackendAndA101MakesATunnelBothWays() throws Exception {
        CompletableFuture<HttpMessage> request = new CompletableFuture<>();
        try (RawBackend backend = switchingEcho(request); ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            // Bytes sent right behind the request belong to the new protocol: held, then tunnelled.
            client.send(UPGRADE_REQUEST + "early");

            HttpMessage answer = HttpMessage.readHead(client.input());
            assertThat(answer.status()).isEqualTo(101);
            assertThat(answer.header("upgrade")).isEqualTo("websocket");
            assertThat(answer.header("connection")).isEqualToIgnoringCase("upgrade");
            assertThat(answer.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(read(client.input(), "helloearly".length())).isEqualTo("helloearly");

            client.send("ping");
            assertThat(read(client.input(), 4)).isEqualTo("ping");

            HttpMessage forwarded = request.get(5, TimeUnit.SECONDS);
            assertThat(forwarded.header("connection")).isEqualToIgnoringCase("upgrade");
            assertThat(forwarded.header("upgrade")).isEqualTo("websocket");
            assertThat(forwarded.header("sec-websocket-key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");

            // The client's end of input goes to the backend as a half-close; the backend's answer to it still arrives.
            client.socket().shutdownOutput();
            assertThat(read(client.input(), 3)).isEqualTo("bye");
            assertThat(client.input().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().openConnections() == 0);
            assertThat(proxy.outcomes()).extracting(o -> o.status()).containsExactly(101);
        }
    }

    @Test
    void anUpgradePipelinedBehindAnotherRequestIsTakenInItsTurn() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
            for (HttpMessage request = connection.readRequest(); ; request = connection.readRequest()) {
                if (!request.target().equals("/chat")) {
                    connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                    continue;
                }
                connection.write(SWITCH);
                InputStream in = connection.input();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    connection.write(Arrays.copyOf(buffer, n));
                }
                connection.socket().shutdownOutput();
                connection.awaitEnd();
                return;
            }
        }); ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            client.send("GET /first HTTP/1.1\r\nHost: example.com\r\n\r\n" + UPGRADE_REQUEST + "after");

            HttpMessage first = client.response();
            assertThat(first.bodyText()).isEqualTo("first");
            assertThat(HttpMessage.readHead(client.input()).status()).isEqualTo(101);
            assertThat(read(client.input(), 5)).isEqualTo("after");
        }
    }

    @Test
    void anUpgradeTheBackendRefusesLeavesTheConnectionHttp() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) ->
                connection.write(request.target().equals("/chat")
                        ? "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 2\r\n\r\nno"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
             ProxyFixture proxy = ProxyFixture.start(backend.address()); RawClient client = proxy.client()) {
            // A request pipelined behind the upgrade is read once the upgrade was refused.
            client.send(UPGRADE_REQUEST + "GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n");

            HttpMessage refused = client.response();
            assertThat(refused.status()).isEqualTo(426);
            assertThat(refused.bodyText()).isEqualTo("no");
            HttpMessage next = client.response();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
            assertThat(backend.requests()).extracting(HttpMessage::target).containsExactly("/chat", "/next");
        }
    }

    @Test
    void aProtocolTheListenerDoesNotPassIsDroppedWithTheOtherHopByHopHeaders() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok"); ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET /x HTTP/1.1\r\nHost: example.com\r\nConnection: upgrade\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");

            assertThat(client.response().status()).isEqualTo(200);
            HttpMessage forwarded = backend.requests().get(0);
            assertThat(forwarded.header("upgrade")).isNull();
            assertThat(forwarded.header("connection")).isNull();
        }
    }

    @Test
    void aListenerWithoutUpgradesPassesNone() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).upgrades().start();
             RawClient client = proxy.client()) {
            client.send(UPGRADE_REQUEST);

            assertThat(client.response().status()).isEqualTo(200);
            assertThat(backend.requests().get(0).header("upgrade")).isNull();
        }
    }

    @Test
    void aSwitchToAProtocolTheRequestDidNotAskForIsABadAnswer() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
            connection.readRequest();
            connection.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: something-else\r\nConnection: Upgrade\r\n\r\n");
            connection.awaitEnd();
        }); ProxyFixture proxy = ProxyFixture.builder(backend.address()).retries(0).start();
             RawClient client = proxy.client()) {
            client.send(UPGRADE_REQUEST);

            assertThat(client.response().status()).isEqualTo(502);
        }
    }

    @Test
    void anHttp10RequestsUpgradeIsIgnored() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok"); ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET /x HTTP/1.0\r\nHost: example.com\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");

            assertThat(client.response().status()).isEqualTo(200);
            assertThat(backend.requests().get(0).header("upgrade")).isNull();
        }
    }

    @Test
    void aTunnelOutlivesTheHttpIdleTimeoutAndClosesAtItsOwn() throws Exception {
        try (RawBackend backend = switchingEcho();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .listenerTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300))
                     .tunnelIdle(Duration.ofMillis(1500)).start();
             RawClient client = proxy.client()) {
            client.send(UPGRADE_REQUEST);
            assertThat(HttpMessage.readHead(client.input()).status()).isEqualTo(101);
            assertThat(read(client.input(), 5)).isEqualTo("hello");

            // Past the HTTP idle timeout (300 ms), well within the tunnel's (1.5 s): still open.
            Thread.sleep(800);
            client.send("still");
            assertThat(read(client.input(), 5)).isEqualTo("still");

            long quietSince = System.nanoTime();
            assertThat(client.isClosedByPeer(10_000)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quietSince)).isGreaterThanOrEqualTo(1_000);
        }
    }

    @Test
    void aBackendThatResetsTheTunnelResetsTheClient() throws Exception {
        CompletableFuture<Void> reset = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.start(connection -> {
            connection.readRequest();
            connection.write(SWITCH);
            reset.get(10, TimeUnit.SECONDS);
            connection.reset();
        }); ProxyFixture proxy = ProxyFixture.start(backend.address()); RawClient client = proxy.client()) {
            client.send(UPGRADE_REQUEST);
            assertThat(HttpMessage.readHead(client.input()).status()).isEqualTo(101);

            reset.complete(null);

            try {
                assertThat(client.input().read()).isEqualTo(-1);
            } catch (SocketException e) {
                assertThat(e).hasMessageContaining("reset");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().openConnections() == 0);
        }
    }

    private static String read(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        return new String(bytes, US_ASCII);
    }
}
