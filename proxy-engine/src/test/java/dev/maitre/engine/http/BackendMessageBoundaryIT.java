package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.HttpMessage;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend connection goes back to its pool only at a clean message boundary: a byte a backend
 * sends outside every answer (after the answer's end, or while the connection sits idle) closes the
 * connection, so it can never become the start of another client's answer.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendMessageBoundaryIT {

    /** Longer than every wait here, so that only a bad byte can close a pooled connection. */
    private static final Duration IDLE_FOR_LONG = Duration.ofMinutes(1);

    @Test
    void aPartialAnswerSentWhileTheConnectionIsIdleClosesItAndTheNextRequestGetsItsOwnAnswer() throws Exception {
        CountDownLatch proxyLetGo = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.respond("first");
                 // The start of an answer nobody asked for, then nothing: a trap for the next request.
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n");
                 if (connection.input().read() == -1) {
                     proxyLetGo.countDown();
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).pool(8, IDLE_FOR_LONG).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("first");
            assertThat(proxyLetGo.await(5, TimeUnit.SECONDS))
                    .as("the proxy closed the connection that sent bytes while idle").isTrue();

            backend.script(connection -> {
                HttpMessage request = connection.readRequest();
                connection.respond("answer to " + request.target());
            });
            assertThat(client.get("/2").bodyText()).isEqualTo("answer to /2");
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void bytesAfterTheAnswerInTheSameReadCloseTheConnection() throws Exception {
        CountDownLatch proxyLetGo = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                         + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled");
                 if (connection.input().read() == -1) {
                     proxyLetGo.countDown();
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).pool(8, IDLE_FOR_LONG).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("first");
            assertThat(proxyLetGo.await(5, TimeUnit.SECONDS)).as("the proxy closed the connection").isTrue();

            backend.script(connection -> {
                HttpMessage request = connection.readRequest();
                connection.respond("answer to " + request.target());
            });
            assertThat(client.get("/2").bodyText()).isEqualTo("answer to /2");
        }
    }

    @Test
    void anAnswerToHeadEndsWithItsHeadAndTheConnectionIsReused() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
                 HttpMessage second = connection.readRequest();
                 connection.respond("answer to " + second.target());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).pool(8, IDLE_FOR_LONG).start();
             RawClient client = proxy.client()) {
            HttpMessage head = client.send("HEAD /1 HTTP/1.1\r\nHost: test.local\r\n\r\n").headResponse();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1000");

            assertThat(client.get("/2").bodyText()).isEqualTo("answer to /2");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }
}
