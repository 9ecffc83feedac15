package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.BackendId;
import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.testing.HttpMessage;
import dev.maitre.engine.testing.Pacer;
import dev.maitre.engine.testing.Payload;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that ends its side of the connection (closes it, or half-closes it) before its request is
 * complete can never complete it: the exchange ends at once and the backend connection is let go.
 * One that half-closes after a complete request still gets the whole answer.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientGoneIT {

    @ParameterizedTest(name = "half-close only: {0}")
    @ValueSource(booleans = {true, false})
    void clientEndingItsSideBeforeItsBodyIsCompleteFreesTheBackendConnectionAtOnce(boolean halfClose)
            throws Exception {
        CountDownLatch backendGotBodyStart = new CountDownLatch(1);
        CountDownLatch backendSawEnd = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 connection.input().readNBytes(3);
                 backendGotBodyStart.countDown();
                 while (connection.input().read() != -1) {
                     // nothing more comes; the end of the connection does
                 }
                 backendSawEnd.countDown();
             });
             // Timeouts far away: nothing here may wait for one.
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .clientTimeout(Duration.ofMinutes(5)).start();
             RawClient client = proxy.client()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nContent-Length: 100\r\n\r\nabc");
            assertThat(backendGotBodyStart.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.engine().activeRequests(id)).isEqualTo(1);

            if (halfClose) {
                client.socket().shutdownOutput();
                assertThat(client.isClosedByPeer(5000)).as("proxy closed the client connection").isTrue();
            } else {
                client.close();
            }
            assertThat(backendSawEnd.await(5, TimeUnit.SECONDS)).as("backend connection closed").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().activeRequests(id) == 0
                    && proxy.engine().openConnections() == 0);
        }
    }

    @Test
    void clientHalfClosingInTheMiddleOfAChunkedBodyIsDroppedToo() throws Exception {
        try (RawBackend backend = RawBackend.answering("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .clientTimeout(Duration.ofMinutes(5)).start();
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            client.socket().shutdownOutput();

            assertThat(client.isClosedByPeer(5000)).as("proxy closed the client connection").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().openConnections() == 0
                    && proxy.engine().activeRequests(new BackendId(ProxyFixture.CLUSTER, backend.address())) == 0);
        }
    }

    @Test
    void clientEndingItsSideWhileABackendIsSlowToTakeItsBodyFreesTheBackendConnectionAtOnce() throws Exception {
        CountDownLatch backendGotHead = new CountDownLatch(1);
        CountDownLatch testDone = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 backendGotHead.countDown();
                 // Reads none of the body: the proxy's connection to it fills up and the body waits.
                 testDone.await(30, TimeUnit.SECONDS);
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(2), Duration.ofMinutes(5))
                     .clientTimeout(Duration.ofMinutes(5)).start();
             RawClient client = proxy.client()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nContent-Length: 100000000\r\n\r\n");
            assertThat(backendGotHead.await(5, TimeUnit.SECONDS)).isTrue();
            // More than the kernel buffers between proxy and backend hold, less than those of the client.
            client.send(new byte[4 << 20]);
            client.socket().shutdownOutput();

            assertThat(client.isClosedByPeer(5000)).as("proxy closed the client connection").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().activeRequests(id) == 0
                    && proxy.engine().openConnections() == 0);
            testDone.countDown();
        }
    }

    @Test
    void clientHalfClosingAfterItsRequestStillGetsSixtyFourMebibytesAtItsOwnPace() throws Exception {
        long size = 64L << 20;
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readRequest(connection.input());
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
                 sent.set(Payload.of(size, 5).writeTo(connection.output(), Pacer.fullSpeed()));
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            client.send("POST /download HTTP/1.1\r\nHost: test.local\r\nContent-Length: 3\r\n\r\nabc");
            client.socket().shutdownOutput();
            HttpMessage head = HttpMessage.readHead(client.input());
            BodyDigest received = BodyDigest.ofResponseBody(client.input(), head,
                    Pacer.bursts(8 << 20, Duration.ofMillis(100)));

            assertThat(head.status()).isEqualTo(200);
            assertThat(received).isEqualTo(sent.get());
            assertThat(client.isClosedByPeer(5000)).as("closed after the answer").isTrue();
        }
    }
}
