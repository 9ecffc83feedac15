package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpgradesTest {

    private static final Upgrades WEBSOCKET = new Upgrades(List.of("websocket"));

    @Test
    void aWebSocketHandshakeAsksForAnUpgrade() {
        assertThat(requested(WEBSOCKET, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"))
                .isTrue();
        assertThat(requested(WEBSOCKET, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n"
                + "Upgrade: WebSocket\r\n\r\n")).as("tokens in any case, among others").isTrue();
    }

    @Test
    void noUpgradeIsAskedForWithoutUpgradeInConnectionOrWithoutAnAllowedProtocol() {
        assertThat(requested(WEBSOCKET, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")).isFalse();
        assertThat(requested(WEBSOCKET, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n")).isFalse();
        assertThat(requested(WEBSOCKET, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n"))
                .isFalse();
        assertThat(requested(WEBSOCKET, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocketx\r\n\r\n"))
                .isFalse();
        assertThat(requested(new Upgrades(List.of()), "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n")).as("a listener that passes none").isFalse();
    }

    @Test
    void anHttp10RequestOrOneWithABodyIsNeverUpgraded() {
        assertThat(requested(WEBSOCKET, "GET / HTTP/1.0\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"))
                .isFalse();
        assertThat(requested(WEBSOCKET, "POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"
                + "Content-Length: 2\r\n\r\n")).isFalse();
        assertThat(requested(WEBSOCKET, "POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")).isFalse();
    }

    @Test
    void anEntryWithoutAVersionAllowsEveryVersionAndOneWithAVersionOnlyThatOne() {
        Upgrades upgrades = new Upgrades(List.of("websocket", "foo/2"));
        assertThat(requested(upgrades, upgrade("websocket/13"))).isTrue();
        assertThat(requested(upgrades, upgrade("foo/2"))).isTrue();
        assertThat(requested(upgrades, upgrade("foo/3"))).isFalse();
        assertThat(requested(upgrades, upgrade("foo"))).isFalse();
    }

    @Test
    void theBackendIsAskedForTheAllowedProtocolsOnlyInTheClientsOrder() {
        Upgrades upgrades = new Upgrades(List.of("websocket", "foo"));
        assertThat(written(upgrades, upgrade("bar, foo/1 , websocket"))).isEqualTo(
                "Connection: upgrade\r\nUpgrade: foo/1, websocket\r\n");
        assertThat(written(upgrades, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: foo\r\n"
                + "Upgrade: bar, WebSocket\r\n\r\n")).isEqualTo("Connection: upgrade\r\nUpgrade: foo, WebSocket\r\n");
    }

    private static String upgrade(String protocols) {
        return "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: " + protocols + "\r\n\r\n";
    }

    private static boolean requested(Upgrades upgrades, String text) {
        ClientRequest request = DecodedRequests.head(text);
        try {
            return upgrades.requested(request.head());
        } finally {
            request.release();
        }
    }

    private static String written(Upgrades upgrades, String text) {
        ClientRequest request = DecodedRequests.head(text);
        ByteBuf out = Unpooled.buffer();
        try {
            upgrades.write(request.head(), out);
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
            request.release();
        }
    }
}
