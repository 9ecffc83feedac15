package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a client connection ends after its last answer, as nginx's {@code lingering_close on}: a
 * client that said it sends nothing more, with nothing of its input pending, is closed as soon as the
 * answer is flushed; one that may still be sending gets a half-close and a moment (2 s) in which
 * what it sends is read and discarded, so that its bytes do not make the kernel reset the connection
 * before it has read the answer. The clients here never close their side: what ends the connection
 * is maitre's choice, seen in its count of open connections.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionCloseIT {

    /** Well below the 2 s a lingering connection stays, and far above a loopback close. */
    private static final Duration AT_ONCE = Duration.ofMillis(1000);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1\r\nConnection: close", "HTTP/1.0"})
    void aClientThatSendsNothingMoreIsClosedRightAfterItsAnswer(String versionAndConnection) throws Exception {
        try (RawBackend backend = RawBackend.answering("hello");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            client.send("GET / " + versionAndConnection + "\r\nHost: test.local\r\n\r\n");

            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("hello");
            assertThat(client.isClosedByPeer(5000)).isTrue();
            await().atMost(AT_ONCE).until(() -> proxy.engine().openConnections() == 0);
        }
    }

    @Test
    void aClientThatSentMoreThanItsLastRequestGetsTheWholeAnswerAndALingeringClose() throws Exception {
        String body = "x".repeat(200_000);
        try (RawBackend backend = RawBackend.answering(body);
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            // Against the rules after "close", but clients do it: the second request must not cost the first answer.
            client.send("GET /1 HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\n\r\n"
                    + "GET /2 HTTP/1.1\r\nHost: test.local\r\n\r\n");
            Thread.sleep(200);

            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo(body);
            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(proxy.engine().openConnections()).as("lingering after the half-close").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.engine().openConnections() == 0);
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void aKeptAliveClientWhoseRequestIsRefusedGetsALingeringClose() throws Exception {
        try (RawBackend backend = RawBackend.answering("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: test.local\r\nBad Name: x\r\n\r\n");

            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByPeer(5000)).isTrue();
            // The client meant to go on and may have sent its next request already: it is read and dropped.
            client.send("GET /next HTTP/1.1\r\nHost: test.local\r\n\r\n");
            Thread.sleep(500);
            assertThat(proxy.engine().openConnections()).as("lingering after the half-close").isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.engine().openConnections() == 0);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void aRequestAnsweredBeforeItsBodyWasReadGetsALingeringClose() throws Exception {
        try (RawBackend backend = RawBackend.answering("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).maxBodyBytes(10).start();
             RawClient client = proxy.client()) {
            client.send("POST / HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n"
                    + "y".repeat(1000));

            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(413);
            assertThat(client.isClosedByPeer(5000)).isTrue();
            client.send("y".repeat(1000));
            Thread.sleep(500);
            assertThat(proxy.engine().openConnections()).as("lingering after the half-close").isEqualTo(1);
        }
    }
}
