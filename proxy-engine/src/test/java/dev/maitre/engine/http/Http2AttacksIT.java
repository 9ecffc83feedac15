package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.BackendId;
import dev.maitre.engine.http2.Http2Limits;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Http2FrameClient;
import dev.maitre.testing.Http2FrameClient.Frame;
import dev.maitre.testing.Http2HeaderBlock;
import dev.maitre.testing.RawBackend;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The known attacks on an HTTP/2 server, each sent frame by frame to a listener, and what closes
 * them ({@link Http2Limits}): the client sees its connection end (or its stream refused), the
 * backend sees next to nothing, and the proxy serves the next client.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2AttacksIT {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void rapidResetEndsTheConnectionWithEnhanceYourCalmBeforeMostRequestsReachTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            int sent = 0;
            try {
                for (int i = 0; i < 1000; i++) {
                    int stream = 1 + 2 * i;
                    client.headers(stream, get("/"), true);
                    client.rst(stream, Http2Error.CANCEL);
                    sent++;
                }
            } catch (IOException closedByProxy) {
                // the proxy ended the connection midway
            }

            Frame goAway = client.awaitGoAway(WAIT);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            assertThat(sent).isGreaterThan(Http2Limits.MAX_RESETS_PER_WINDOW);
            // Requests of streams reset at once may still reach the backend, but none after the limit.
            Thread.sleep(300);
            assertThat(backend.requests().size()).isLessThanOrEqualTo(Http2Limits.MAX_RESETS_PER_WINDOW + 1);
            assertNoRequestLeftActive(proxy, backend);
            assertServes(proxy);
        }
    }

    @Test
    void streamErrorsProvokedOverAndOverEndTheConnectionWithEnhanceYourCalm() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            // Each is malformed (an uppercase name): maitre resets the stream itself.
            byte[] malformed = Http2HeaderBlock.request("GET", "/", "test.local").literal("X-Upper", "1").bytes();
            int sent = 0;
            try {
                for (int i = 0; i < 1000; i++) {
                    client.headerBlock(1 + 2 * i, malformed, true, true);
                    sent++;
                }
            } catch (IOException closedByProxy) {
                // the proxy ended the connection midway
            }

            Frame goAway = client.awaitGoAway(WAIT);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            // The reset that passes the limit is the last one sent.
            assertThat(client.count(f -> f.is(Http2FrameTypes.RST_STREAM)))
                    .isLessThanOrEqualTo(Http2Limits.MAX_RESETS_PER_WINDOW + 1);
            assertThat(backend.connectionsAccepted()).isZero();
            assertServes(proxy);
        }
    }

    @Test
    void continuationFramesPastTheHeaderListLimitEndTheConnectionWithProtocolError() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.builder(proxy.address()).sendBuffer(16 * 1024).connect()) {
            client.headerBlock(1, Http2HeaderBlock.request("GET", "/", "test.local").bytes(), true, false);
            // Not "small" for the codec (8 KiB or more each): only the header list's size can stop them.
            byte[] continuation = Http2FrameClient.frameBytes(Http2FrameTypes.CONTINUATION, 0, 1,
                    new Http2HeaderBlock().literal("x-filler", "a".repeat(8200)).bytes());
            int total = 2000;

            int written = client.flood(continuation, total, WAIT);

            Frame goAway = client.awaitGoAway(WAIT);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.PROTOCOL_ERROR);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            assertThat(written).as("CONTINUATION frames written before the connection ended").isLessThan(total / 4);
            assertThat(backend.requests()).isEmpty();
            assertThat(backend.connectionsAccepted()).isZero();
            assertServes(proxy);
        }
    }

    @Test
    void emptyContinuationFramesEndTheConnectionWithEnhanceYourCalm() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.builder(proxy.address()).sendBuffer(16 * 1024).connect()) {
            client.headerBlock(1, Http2HeaderBlock.request("GET", "/", "test.local").bytes(), true, false);
            byte[] empty = Http2FrameClient.frameBytes(Http2FrameTypes.CONTINUATION, 0, 1, new byte[0]);
            int total = 200_000;

            int written = client.flood(empty, total, WAIT);

            Frame goAway = client.awaitGoAway(WAIT);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            assertThat(written).as("empty CONTINUATION frames written before the connection ended")
                    .isLessThan(total / 2);
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }

    @Test
    void hpackBombIsRefusedWithoutReachingTheBackendAndTheProxyServesTheNextClient() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            // About 4.4 KiB on the wire that decode to 300 copies of a 4 KiB field: 1.2 MB.
            Http2HeaderBlock bomb = Http2HeaderBlock.request("GET", "/", "test.local").literalIndexed("x-bomb", "b".repeat(4000));
            for (int i = 0; i < 300; i++) {
                bomb.indexed(62);
            }
            client.headerBlock(1, bomb.bytes(), true, true);

            Frame refusal = client.awaitFrame(f -> f.streamId() == 1 || f.is(Http2FrameTypes.GO_AWAY), WAIT,
                    "a refusal of stream 1");
            if (refusal.is(Http2FrameTypes.HEADERS)) {
                // The codec refuses it while decoding: 431 and the stream's end, no body.
                assertThat(refusal.headers().status().toString()).isEqualTo("431");
                assertThat(refusal.endStream()).isTrue();
                client.headers(3, get("/after"), true);
                assertThat(client.awaitResponse(3).status()).isEqualTo(200);
            } else {
                assertThat(refusal.type()).isIn(Http2FrameTypes.RST_STREAM, Http2FrameTypes.GO_AWAY);
            }
            assertThat(backend.requests()).extracting(r -> r.target()).doesNotContain("/");
            assertServes(proxy);
        }
    }

    @Test
    void settingsFloodFromAClientThatNeverReadsEndsTheConnection() throws Exception {
        floodFromAClientThatNeverReads(Http2FrameClient.frameBytes(Http2FrameTypes.SETTINGS, 0, 0, new byte[0]));
    }

    @Test
    void pingFloodFromAClientThatNeverReadsEndsTheConnection() throws Exception {
        floodFromAClientThatNeverReads(Http2FrameClient.frameBytes(Http2FrameTypes.PING, 0, 0, new byte[8]));
    }

    /**
     * The flood goes on until the proxy ends the connection. What it asks the proxy to send back
     * fills the socket buffers (megabytes on loopback), then the proxy stops reading the connection
     * (its writes wait) rather than queue more answers: what it holds stays within its write buffer
     * and the codec's queue of control frames; and the connection, which opened no stream, ends after
     * the idle timeout if the queue's limit did not end it before.
     */
    private static void floodFromAClientThatNeverReads(byte[] frame) throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .listenerTimeouts(Duration.ofSeconds(10), IDLE_TIMEOUT).start();
             BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
             Http2FrameClient client = Http2FrameClient.builder(proxy.address()).reading(false)
                     .receiveBuffer(4096).sendBuffer(16 * 1024).connect()) {
            int total = 10_000_000;

            int written = client.flood(frame, total, Duration.ofSeconds(8));

            assertThat(written).as("frames written before the connection ended").isLessThan(total);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            // At most the queue's answers, each counted with Netty's overhead for a write (96 bytes).
            assertThat(sampler.maxBuffered()).isLessThanOrEqualTo((Http2Limits.MAX_QUEUED_CONTROL_FRAMES + 1) * 128L);
            assertServes(proxy);
        }
    }

    @Test
    void aClientThatReadsItsPingAcknowledgementsGetsThemAll() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            int pings = 5000;

            assertThat(client.flood(Http2FrameClient.frameBytes(Http2FrameTypes.PING, 0, 0, new byte[8]), pings, WAIT))
                    .isEqualTo(pings);
            client.ping(42);

            client.awaitPingAck(42, WAIT);
            assertThat(client.count(f -> f.is(Http2FrameTypes.PING) && f.ack())).isEqualTo(pings + 1);
            assertThat(client.frames()).noneMatch(f -> f.is(Http2FrameTypes.GO_AWAY));
            client.headers(1, get("/"), true);
            assertThat(client.awaitResponse(1).status()).isEqualTo(200);
        }
    }

    @Test
    void emptyDataFramesEndTheConnectionWithEnhanceYourCalmAndTheBackendGetsNoCompleteRequest() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Http2FrameClient client = Http2FrameClient.connect(proxy.address())) {
            client.headers(1, new DefaultHttp2Headers().method("POST").scheme("http").path("/upload")
                    .authority("test.local"), false);
            try {
                for (int i = 0; i < 100; i++) {
                    client.data(1, new byte[0], false);
                }
            } catch (IOException closedByProxy) {
                // the proxy ended the connection midway
            }

            Frame goAway = client.awaitGoAway(WAIT);
            assertThat(Http2Error.valueOf(goAway.errorCode())).isEqualTo(Http2Error.ENHANCE_YOUR_CALM);
            assertThat(client.closedByPeer(WAIT)).as("connection closed").isTrue();
            assertNoRequestLeftActive(proxy, backend);
            assertThat(backend.requests()).isEmpty();
            assertServes(proxy);
        }
    }

    /** Every exchange the attack started has ended: none holds its backend. */
    static void assertNoRequestLeftActive(ProxyFixture proxy, RawBackend backend) {
        BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
        await().atMost(WAIT).until(() -> proxy.engine().activeRequests(id) == 0);
    }

    /** A new client on a new connection is served: the attack left the proxy healthy. */
    static void assertServes(ProxyFixture proxy) throws IOException {
        try (Http2FrameClient next = Http2FrameClient.connect(proxy.address())) {
            next.headers(1, get("/next"), true);
            Http2FrameClient.Response response = next.awaitResponse(1);
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body())).isEqualTo("ok");
        }
    }

    static Http2Headers get(String path) {
        return new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("test.local");
    }
}
