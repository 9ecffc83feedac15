package dev.maitre.engine.http;

import static dev.maitre.engine.http.Http2AttacksIT.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Http2FrameClient;
import dev.maitre.testing.Http2FrameClient.Frame;
import dev.maitre.testing.Http2HeaderBlock;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameTypes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests RFC 9113 §8 calls malformed, sent byte for byte as a client may: each is a stream error
 * {@code PROTOCOL_ERROR} (RST_STREAM), never a repair; no request reaches the backend (one whose head
 * went before its malformed end is cut off with its backend connection), and the connection goes on
 * serving its other streams. A value with CR LF in particular never becomes a field of its own on
 * the backend's side.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2MalformedRequestsIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** What a client sends on stream 1; {@code headArrived} waits until the backend has the request's head. */
    @FunctionalInterface
    interface Sending {
        void send(Http2FrameClient client, Runnable headArrived) throws IOException;
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                headersOnly("an uppercase field name", request().literal("X-Upper", "1")),
                headersOnly("connection: keep-alive", request().literal("connection", "keep-alive")),
                headersOnly("te: gzip", request().literal("te", "gzip")),
                headersOnly("no :path", new Http2HeaderBlock().literal(":method", "GET").literal(":scheme", "http")
                        .literal(":authority", "test.local")),
                headersOnly("an empty :path", Http2HeaderBlock.request("GET", "", "test.local")),
                headersOnly(":status in a request", request().literal(":status", "200")),
                headersOnly("CR LF inside a value", request().literal("x-note", "a\r\nx-injected: evil")),
                headersOnly("a value with a leading space", request().literal("x-note", " a")),
                headersOnly("a host naming another authority", request().literal("host", "other.example")),
                Arguments.of("trailers with a pseudo-header", (Sending) (client, headArrived) -> {
                    client.headerBlock(1, post().bytes(), false, true);
                    client.data(1, "abc".getBytes(), false);
                    headArrived.run();
                    client.headerBlock(1, new Http2HeaderBlock().literal(":path", "/other").bytes(), true, true);
                }),
                Arguments.of("a second HEADERS that does not end the stream", (Sending) (client, headArrived) -> {
                    client.headerBlock(1, post().bytes(), false, true);
                    headArrived.run();
                    client.headerBlock(1, new Http2HeaderBlock().literal("x-more", "1").bytes(), false, true);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void isAStreamErrorAndNoRequestReachesTheBackend(String what, Sending malformed) throws Exception {
        List<HttpMessage> heads = new CopyOnWriteArrayList<>();
        AtomicInteger cutOff = new AtomicInteger();
        try (RawBackend backend = RawBackend.start(connection -> {
                 while (true) {
                     HttpMessage head;
                     try {
                         head = HttpMessage.readHead(connection.input());
                     } catch (IOException closed) {
                         return;
                     }
                     heads.add(head);
                     if (!head.target().equals("/next")) {
                         // A request whose end never comes: the proxy must close the connection.
                         connection.awaitEnd();
                         cutOff.incrementAndGet();
                         return;
                     }
                     connection.respond("ok");
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            boolean[] headSent = new boolean[1];
            malformed.send(client, () -> {
                headSent[0] = true;
                await().atMost(WAIT).until(() -> !heads.isEmpty());
            });

            Frame reset = client.awaitRst(1);
            assertThat(Http2Error.valueOf(reset.errorCode())).isEqualTo(Http2Error.PROTOCOL_ERROR);
            assertThat(client.frames()).noneMatch(f -> f.streamId() == 1 && f.is(Http2FrameTypes.HEADERS));
            if (headSent[0]) {
                // Cut off with its backend connection, which never serves another request.
                await().atMost(Duration.ofSeconds(2)).until(() -> cutOff.get() == 1);
            } else {
                assertThat(backend.connectionsAccepted()).isZero();
            }
            Http2AttacksIT.assertNoRequestLeftActive(proxy, backend);

            client.headers(3, get("/next"), true);
            assertThat(client.awaitResponse(3).status()).isEqualTo(200);
            assertThat(heads).extracting(HttpMessage::target).endsWith("/next").hasSize(headSent[0] ? 2 : 1);
            assertThat(heads).allMatch(head -> head.header("x-injected") == null);
            assertThat(client.frames()).noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
        }
    }

    private static Arguments headersOnly(String what, Http2HeaderBlock block) {
        return Arguments.of(what, (Sending) (client, headArrived) -> client.headerBlock(1, block.bytes(), true, true));
    }

    private static Http2HeaderBlock request() {
        return Http2HeaderBlock.request("GET", "/", "test.local");
    }

    private static Http2HeaderBlock post() {
        return Http2HeaderBlock.request("POST", "/upload", "test.local");
    }
}
