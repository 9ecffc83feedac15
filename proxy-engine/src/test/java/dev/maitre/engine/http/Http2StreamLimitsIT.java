package dev.maitre.engine.http;

import static dev.maitre.engine.http.Http2AttacksIT.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Http2FrameClient;
import dev.maitre.testing.Http2FrameClient.Frame;
import dev.maitre.testing.Http2HeaderBlock;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one stream may take of an HTTP/2 connection: no more streams than {@code maxConcurrentStreams},
 * no header list over {@code maxHeaderListSize}, and not its answer's backend connection for longer
 * than {@code timeouts.client} while the client never opens the stream's window. Each ends the stream,
 * never the connection, whose other streams are served.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2StreamLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);
    private static final int MEBIBYTE = 1 << 20;

    @Test
    void aStreamWhoseWindowNeverOpensIsResetAfterTheClientTimeoutAndItsBackendConnectionClosed() throws Exception {
        CountDownLatch backendClosed = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage request = HttpMessage.readHead(connection.input());
                 if (request.target().equals("/small")) {
                     connection.respond("small");
                     connection.awaitEnd();
                     return;
                 }
                 try {
                     connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + MEBIBYTE + "\r\n\r\n");
                     connection.write(new byte[MEBIBYTE]);
                 } catch (IOException cutOff) {
                     // the proxy closed the connection before it took the answer
                 }
                 connection.awaitEnd();
                 backendClosed.countDown();
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).clientTimeout(CLIENT_TIMEOUT)
                     .start();
             Http2FrameClient client = Http2FrameClient.builder(proxy.address())
                     .settings(new Http2Settings().initialWindowSize(0)).connect()) {
            long start = System.nanoTime();
            client.headers(1, get("/big"), true);

            Frame reset = client.awaitRst(1, WAIT);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isBetween(CLIENT_TIMEOUT, CLIENT_TIMEOUT.plusSeconds(3));
            assertThat(Http2Error.valueOf(reset.errorCode())).isEqualTo(Http2Error.INTERNAL_ERROR);
            assertThat(client.count(f -> f.is(Http2FrameTypes.DATA))).isZero();
            assertThat(backendClosed.await(5, TimeUnit.SECONDS)).as("backend connection closed").isTrue();
            Http2AttacksIT.assertNoRequestLeftActive(proxy, backend);

            client.headers(3, get("/small"), true);
            client.windowUpdate(3, 65_535);
            Http2FrameClient.Response response = client.awaitResponse(3);
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("small");
            assertThat(client.frames()).noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
        }
    }

    @Test
    void aStreamOverMaxConcurrentStreamsIsRefusedAndTheOthersAreAnswered() throws Exception {
        streamsOverTheLimitAreRefused(true);
    }

    @Test
    void aStreamOverMaxConcurrentStreamsIsRefusedBeforeTheClientAcknowledgesTheSettings() throws Exception {
        streamsOverTheLimitAreRefused(false);
    }

    private static void streamsOverTheLimitAreRefused(boolean acknowledgeSettings) throws Exception {
        try (RawBackend backend = RawBackend.silent();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1))
                     .http2(new ListenerHttp2(true, 2, ListenerHttp2.DEFAULT_INITIAL_WINDOW_SIZE,
                             ListenerHttp2.MIN_FRAME_SIZE, ListenerHttp2.DEFAULT_MAX_HEADER_LIST_SIZE))
                     .start();
             Http2FrameClient client = Http2FrameClient.builder(proxy.address())
                     .acknowledgeSettings(acknowledgeSettings).connect()) {
            client.headers(1, get("/one"), true);
            client.headers(3, get("/two"), true);
            client.headers(5, get("/three"), true);

            Frame refused = client.awaitRst(5);
            assertThat(Http2Error.valueOf(refused.errorCode())).isEqualTo(Http2Error.REFUSED_STREAM);
            // The two others wait on the silent backend and end with its response timeout.
            assertThat(client.awaitResponse(1).status()).isEqualTo(504);
            assertThat(client.awaitResponse(3).status()).isEqualTo(504);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
            assertThat(client.frames()).noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
        }
    }

    @Test
    void aHeaderListOverTheLimitIsAnswered431AndTheConnectionServesTheNextStream() throws Exception {
        int limit = 8192;
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .http2(new ListenerHttp2(true, ListenerHttp2.DEFAULT_MAX_CONCURRENT_STREAMS,
                             ListenerHttp2.DEFAULT_INITIAL_WINDOW_SIZE, ListenerHttp2.MIN_FRAME_SIZE, limit))
                     .start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            // Over the limit once decoded (each field counts 32 bytes more), within a quarter more on the wire.
            byte[] block = Http2HeaderBlock.request("GET", "/", "test.local").literal("x-big", "b".repeat(limit)).bytes();
            assertThat(block.length).isBetween(limit, limit + limit / 4);
            client.headerBlock(1, block, true, true);

            Frame answer = client.awaitFrame(f -> f.streamId() == 1, WAIT, "an answer on stream 1");
            if (answer.is(Http2FrameTypes.HEADERS)) {
                assertThat(answer.headers().status().toString()).isEqualTo("431");
            } else {
                assertThat(answer.type()).isEqualTo(Http2FrameTypes.RST_STREAM);
            }
            client.headers(3, get("/next"), true);
            assertThat(client.awaitResponse(3).status()).isEqualTo(200);
            assertThat(backend.requests()).extracting(HttpMessage::target).containsExactly("/next");
            assertThat(client.frames()).noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
        }
    }
}
