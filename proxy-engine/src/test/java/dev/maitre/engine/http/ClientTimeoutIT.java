package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.BackendId;
import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.engine.testing.BufferedBytesSampler;
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

/**
 * {@code timeouts.client}: an exchange that waits on its client (for body bytes, or for the client
 * to take answer bytes) without progress for that long ends, and both connections are freed. Time
 * spent waiting on the client never counts toward the backend's response timeout.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientTimeoutIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void clientThatStopsSendingItsBodyIsAnswered408AndBothConnectionsAreClosed() throws Exception {
        CountDownLatch backendSawEnd = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 while (connection.input().read() != -1) {
                     // the three body bytes, then the end of the connection
                 }
                 backendSawEnd.countDown();
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).clientTimeout(CLIENT_TIMEOUT)
                     .start();
             RawClient client = proxy.client()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
            client.socket().setSoTimeout(5000);
            long start = System.nanoTime();
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nContent-Length: 100000000\r\n\r\nabc");

            HttpMessage response = client.response();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(waited).isBetween(CLIENT_TIMEOUT, CLIENT_TIMEOUT.plusSeconds(3));
            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(backendSawEnd.await(5, TimeUnit.SECONDS)).as("backend connection closed").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().activeRequests(id) == 0);
            assertThat(proxy.engine().clientTimeouts(ProxyFixture.LISTENER)).isEqualTo(1);
        }
    }

    @Test
    void clientThatDoesNotReadAHundredMebibyteAnswerIsClosedAfterTheClientTimeout() throws Exception {
        long size = 100L << 20;
        CountDownLatch backendCutOff = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
                 try {
                     Payload.of(size, 3).writeTo(connection.output(), Pacer.fullSpeed());
                 } catch (java.io.IOException e) {
                     backendCutOff.countDown();
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).clientTimeout(CLIENT_TIMEOUT)
                     .start()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler; RawClient client = proxy.client()) {
                client.send("GET /big HTTP/1.1\r\nHost: test.local\r\n\r\n");
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.engine().openConnections() == 0);
            }
            assertThat(backendCutOff.await(5, TimeUnit.SECONDS)).as("backend connection closed").isTrue();
            assertThat(proxy.engine().activeRequests(id)).isZero();
            assertThat(sampler.maxBuffered()).isLessThan(512 * 1024);
            assertThat(proxy.engine().clientTimeouts(ProxyFixture.LISTENER)).isEqualTo(1);
        }
    }

    @Test
    void clientThatPausesLongerThanTheResponseTimeoutButShorterThanTheClientTimeoutGetsTheWholeAnswer()
            throws Exception {
        long size = 16L << 20;
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n");
                 sent.set(Payload.of(size, 4).writeTo(connection.output(), Pacer.fullSpeed()));
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .clusterTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1))
                     .clientTimeout(Duration.ofSeconds(10)).start();
             RawClient client = proxy.client()) {
            client.send("GET /big HTTP/1.1\r\nHost: test.local\r\n\r\n");
            HttpMessage head = HttpMessage.readHead(client.input());
            // Two pauses of 2.5 s, each longer than the response timeout, while the proxy waits on the client.
            BodyDigest received = BodyDigest.ofResponseBody(client.input(), head,
                    Pacer.bursts(6 << 20, Duration.ofMillis(2500)));

            assertThat(head.status()).isEqualTo(200);
            assertThat(received).isEqualTo(sent.get());
            assertThat(proxy.engine().clientTimeouts(ProxyFixture.LISTENER)).isZero();
        }
    }
}
