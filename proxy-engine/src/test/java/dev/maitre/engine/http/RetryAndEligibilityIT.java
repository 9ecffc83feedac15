package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetryAndEligibilityIT {

    /** A crashed backend behind something that still accepts: the connection is closed at once. */
    private static RawBackend acceptingAndClosing() throws Exception {
        return RawBackend.start(connection -> connection.socket().close());
    }

    @Test
    void idempotentRequestClosedBeforeAnyAnswerIsSentToAnotherBackend() throws Exception {
        try (RawBackend dead = acceptingAndClosing();
             RawBackend alive = RawBackend.answering("alive");
             ProxyFixture proxy = ProxyFixture.builder(dead.address(), alive.address()).workers(1).start()) {
            for (String method : List.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS")) {
                for (int i = 0; i < 4; i++) {
                    try (RawClient client = proxy.client()) {
                        String body = method.equals("PUT") ? "Content-Length: 2\r\n\r\nhi" : "\r\n";
                        HttpMessage response = method.equals("HEAD")
                                ? client.send(method + " /r HTTP/1.1\r\nHost: t\r\n" + body).headResponse()
                                : client.send(method + " /r HTTP/1.1\r\nHost: t\r\n" + body).response();
                        assertThat(response.status()).as(method + " #" + i).isEqualTo(200);
                    }
                }
            }
            assertThat(proxy.outcomes()).anyMatch(o -> o.kind() == Outcome.Kind.RESET
                    && o.endpoint().address().equals(dead.address()));
            assertThat(alive.requests().stream().filter(r -> r.method().equals("PUT")))
                    .allMatch(r -> r.bodyText().equals("hi"));
        }
    }

    @Test
    void postClosedBeforeAnyAnswerIsNotSentAgain() throws Exception {
        try (RawBackend dead = acceptingAndClosing();
             RawBackend alive = RawBackend.answering("alive");
             ProxyFixture proxy = ProxyFixture.builder(dead.address(), alive.address()).workers(1).start()) {
            int badGateway = 0;
            for (int i = 0; i < 4; i++) {
                try (RawClient client = proxy.client()) {
                    HttpMessage response = client.send(
                            "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi").response();
                    assertThat(response.status()).isIn(200, 502);
                    if (response.status() == 502) {
                        badGateway++;
                    }
                }
            }
            assertThat(badGateway).as("round robin sends every other POST to the dead backend, never again")
                    .isEqualTo(2);
        }
    }

    /**
     * The backend answers a first request on a keep-alive connection, then reads the POST that the
     * proxy sends on that pooled connection and closes without answering: it may have acted on it.
     */
    private static RawBackend closingAfterItsFirstAnswer(AtomicInteger posts) throws Exception {
        AtomicInteger connections = new AtomicInteger();
        return RawBackend.start(connection -> {
            boolean first = connections.incrementAndGet() == 1;
            while (true) {
                HttpMessage request = connection.readRequest();
                if (request.method().equals("POST")) {
                    posts.incrementAndGet();
                    if (first) {
                        connection.socket().close();
                        return;
                    }
                }
                connection.respond("answer " + request.target());
            }
        });
    }

    @Test
    void postMeetingABackendCloseOnAPooledConnectionIsSentOnceAndAnswered502() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        try (RawBackend backend = closingAfterItsFirstAnswer(posts);
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("answer /1");
            HttpMessage response = client.send("POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi").response();

            assertThat(response.status()).isEqualTo(502);
            Thread.sleep(300);
            assertThat(posts.get()).as("times the POST reached the backend").isEqualTo(1);
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void postMeetingABackendCloseOnAPooledConnectionIsSentAgainWhenTheClusterAllowsIt() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        try (RawBackend backend = closingAfterItsFirstAnswer(posts);
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).nonIdempotentRetries(true)
                     .start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("answer /1");
            HttpMessage response = client.send("POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi").response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("answer /2");
            assertThat(posts.get()).isEqualTo(2);
        }
    }

    @Test
    void activeRequestsCountsWhatABackendIsServingNow() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend slow = RawBackend.start(connection -> {
                 connection.readRequest();
                 received.countDown();
                 release.await(10, TimeUnit.SECONDS);
                 connection.respond("late");
             });
             ProxyFixture proxy = ProxyFixture.builder(slow.address()).start();
             RawClient client = proxy.client()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, slow.address());
            assertThat(proxy.engine().activeRequests(id)).isZero();
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.engine().activeRequests(id)).isEqualTo(1);
            release.countDown();
            assertThat(client.response().bodyText()).isEqualTo("late");
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.engine().activeRequests(id) == 0);
        }
    }

    @Test
    void idleConnectionsToABackendThatIsNoLongerEligibleAreClosed() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok")) {
            Endpoint endpoint = new Endpoint(new BackendId(ProxyFixture.CLUSTER, backend.address()), 1);
            AtomicReference<List<Endpoint>> eligible = new AtomicReference<>(List.of(endpoint));
            try (ProxyFixture proxy = ProxyFixture.builder(backend.address())
                    .health(cluster -> eligible.get()).workers(1).start();
                 RawClient client = proxy.client()) {
                assertThat(client.get("/a").status()).isEqualTo(200);
                assertThat(backend.connectionsAccepted()).isEqualTo(1);
                eligible.set(List.of());
                // The backend sees its pooled connection closed by the proxy's sweeper.
                await().atMost(Duration.ofSeconds(5)).until(() -> backend.failures().isEmpty()
                        && backend.requests().size() == 1 && proxy.engine().bufferedBytes() == 0
                        && closedConnections(backend) == 1);
                HttpMessage refused = client.get("/b");
                assertThat(refused.status()).as("no eligible backend").isEqualTo(503);
                eligible.set(List.of(endpoint));
                assertThat(client.get("/c").status()).isEqualTo(200);
                assertThat(backend.connectionsAccepted()).as("a new connection after the drain").isEqualTo(2);
            }
        }
    }

    private static int closedConnections(RawBackend backend) {
        return backend.connectionsClosedByPeer();
    }
}
