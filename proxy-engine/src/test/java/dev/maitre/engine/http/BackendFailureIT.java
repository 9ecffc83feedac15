package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What clients see when backends fail (refuse, reset, talk nonsense, stay silent, close pooled
 * connections) or clients misbehave (slowloris, idling, crowding), and that every attempt is
 * reported as an outcome.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendFailureIT {

    private final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    private static List<Outcome.Kind> kinds(ProxyFixture proxy) {
        return proxy.outcomes().stream().map(Outcome::kind).toList();
    }

    /** Closes the connection with a TCP reset instead of an orderly close. */
    private static void reset(RawBackend.Connection connection) throws IOException {
        connection.socket().setSoLinger(true, 0);
        connection.socket().close();
    }

    // Refused

    @Test
    void refusedBackendIsSkippedAndTheClientGetsTheAnswerOfAnother() throws Exception {
        HostPort dead = Ports.refusing();
        try (RawBackend alive = RawBackend.answering("alive");
             ProxyFixture proxy = ProxyFixture.builder(dead, alive.address()).workers(1).start();
             RawClient client = proxy.client()) {
            for (int i = 0; i < 4; i++) {
                HttpMessage response = client.get("/" + i);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("alive");
            }
            assertThat(kinds(proxy)).contains(Outcome.Kind.CONNECT_FAILURE).contains(Outcome.Kind.RESPONSE);
            assertThat(proxy.outcomes()).filteredOn(o -> o.kind() == Outcome.Kind.CONNECT_FAILURE)
                    .allSatisfy(o -> assertThat(o.endpoint().address()).isEqualTo(dead));
        }
    }

    @Test
    void allBackendsRefusingIsAnswered502WithAShortText() throws Exception {
        try (ProxyFixture proxy = ProxyFixture.builder(Ports.refusing(), Ports.refusing()).start();
             RawClient client = proxy.client()) {
            HttpMessage response = client.get("/");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.header("content-type")).startsWith("text/plain");
            assertThat(response.bodyText()).isEqualTo("502 Bad Gateway: backend failed\n");
            assertThat(kinds(proxy)).containsExactly(Outcome.Kind.CONNECT_FAILURE, Outcome.Kind.CONNECT_FAILURE);
            assertThat(client.get("/again").status()).as("the client connection stays usable").isEqualTo(502);
        }
    }

    // Reset, garbage, silence

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 100000", "Transfer-Encoding: chunked", "Connection: close"})
    void backendResetMidResponseCutsTheClientOffInsteadOfEndingTheResponse(String framing) throws Exception {
        byte[] part = new byte[1000];
        Arrays.fill(part, (byte) 'x');
        String chunkHeader = framing.startsWith("Transfer") ? Integer.toHexString(part.length) + "\r\n" : "";
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.write("HTTP/1.1 200 OK\r\n" + framing + "\r\n\r\n" + chunkHeader);
                 connection.write(part);
                 reset(connection);
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET /big HTTP/1.1\r\nHost: test.local\r\n\r\n");

            assertThatThrownBy(client::response).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
            assertThat(client.isClosedByPeer(5000)).isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(proxy.outcomes()).singleElement().satisfies(o -> {
                        assertThat(o.kind()).isEqualTo(Outcome.Kind.RESET);
                        assertThat(o.status()).isEqualTo(200);
                    }));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage\r\n\r\n", "HTTP/1.1 abc Oops\r\n\r\n", "SSH-2.0-OpenSSH_9.6\r\n",
        "HTTP/1.1 001 Odd\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\u0001\u0000\u0000 \r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 200 OK\rX-Injected: 1\r\nContent-Length: 0\r\n\r\n"})
    void backendAnsweringGarbageIsAnswered502(String garbage) throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.write(garbage);
                 connection.input().read();
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.get("/");

            assertThat(response.status()).isEqualTo(502);
            assertThat(kinds(proxy)).containsExactly(Outcome.Kind.INVALID_RESPONSE);
        }
    }

    @Test
    void silentBackendIsAnswered504AfterTheResponseTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(500);
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.input().read();
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTimeouts(Duration.ofSeconds(1), timeout).start();
             RawClient client = proxy.client()) {
            long start = System.nanoTime();
            HttpMessage response = client.get("/");
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.status()).isEqualTo(504);
            assertThat(response.bodyText()).isEqualTo("504 Gateway Timeout: backend did not answer in time\n");
            assertThat(waited).isBetween(timeout, timeout.plusSeconds(2));
            assertThat(kinds(proxy)).containsExactly(Outcome.Kind.TIMEOUT);
        }
    }

    // Pooled connections the backend closes

    @Test
    void pooledConnectionClosedByTheBackendAfterItsResponseIsNeverHandedOutAgain() throws Exception {
        CountDownLatch proxyLetGo = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage request = connection.readRequest();
                 connection.respond("first");
                 // Closes without having said Connection: close, and waits for the proxy to notice.
                 connection.socket().shutdownOutput();
                 if (connection.input().read() == -1) {
                     proxyLetGo.countDown();
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("first");
            assertThat(proxyLetGo.await(5, TimeUnit.SECONDS)).as("proxy closed the connection the backend ended").isTrue();

            backend.script(connection -> {
                HttpMessage request = connection.readRequest();
                connection.respond("second, " + request.body().length + " bytes");
            });
            // A body too large to replay: had the dead connection been handed out, this could not be retried.
            byte[] body = new byte[ReplayBuffer.LIMIT * 2];
            client.send(("POST /2 HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)).send(body);
            assertThat(client.response().bodyText()).isEqualTo("second, " + body.length + " bytes");

            assertThat(backend.connectionsAccepted()).isEqualTo(2);
            assertThat(kinds(proxy)).containsExactly(Outcome.Kind.RESPONSE, Outcome.Kind.RESPONSE);
        }
    }

    /**
     * A backend that sends more than its response, a piece of another head, must not have those bytes
     * taken as the start of its answer to the next request: the connection is retired, whether the
     * bytes came with the response or while the connection sat in its pool, and whether they end in
     * the middle of a line (left in the decoder's buffer) or after whole lines (taken into a head).
     */
    @ParameterizedTest
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void backendBytesBeyondItsResponseRetireTheConnection(boolean whileIdle, boolean wholeLines) throws Exception {
        String stray = wholeLines ? "HTTP/1.1 200 OK\r\nX-Stray: 1\r\n" : "HTTP/1.1 200 OK\r\nX-Stray: ";
        CountDownLatch firstRelayed = new CountDownLatch(1);
        CountDownLatch strayWritten = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 if (whileIdle) {
                     connection.respond("first");
                     firstRelayed.await();
                     connection.write(stray);
                 } else {
                     connection.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst" + stray);
                 }
                 strayWritten.countDown();
                 HttpMessage next = connection.readRequest();
                 connection.respond("second on the old connection " + next.target());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("first");
            firstRelayed.countDown();
            assertThat(strayWritten.await(5, TimeUnit.SECONDS)).isTrue();
            // The idle connection has a read pending; give the stray bytes time to be read (not a speed check:
            // were they read later, the test could only pass wrongly, never fail wrongly).
            Thread.sleep(200);
            backend.script(connection -> {
                HttpMessage request = connection.readRequest();
                connection.respond("second " + request.target());
            });

            HttpMessage second = client.get("/2");
            assertThat(second.header("x-stray")).isNull();
            assertThat(second.bodyText()).isEqualTo("second /2");
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void requestMeetingABackendCloseOnAPooledConnectionIsRetriedOnAFreshOne(boolean readBeforeClosing) throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.respond("first");
                 if (readBeforeClosing) {
                     // The next request arrives; the backend closes instead of answering it.
                     connection.readRequest();
                     connection.socket().close();
                 } else {
                     // The backend closes as the next request arrives: unread bytes make it a reset.
                     await().until(() -> connection.input().available() > 0);
                     reset(connection);
                 }
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("first");
            backend.script(connection -> {
                HttpMessage request = connection.readRequest();
                connection.respond("fresh " + request.target());
            });

            HttpMessage response = client.get("/2");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("fresh /2");
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
            assertThat(kinds(proxy)).containsExactly(Outcome.Kind.RESPONSE, Outcome.Kind.RESPONSE);
        }
    }

    /**
     * A body (of a PUT: idempotent, so it may be sent again) is streaming to a pooled connection when
     * the backend resets it; the proxy opens a fresh one and replays what it sent. The piece of body it had asked the client for arrives while the
     * fresh connection is still opening (the backend's full accept queue makes that take a second),
     * and must be sent too, not lost.
     */
    @Test
    void uploadMeetingABackendResetOnAPooledConnectionIsReplayedWholeOnAFreshOne() throws Exception {
        int size = 256 * 1024;
        int firstPart = 60 * 1024;
        byte[] body = new byte[size];
        new Random(5).nextBytes(body);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ProxyFixture proxy = ProxyFixture.builder(new HostPort("127.0.0.1", server.getLocalPort()))
                     .workers(1).clusterTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10)).start();
             RawClient client = proxy.client()) {
            client.send("GET /1 HTTP/1.1\r\nHost: test.local\r\n\r\n");
            try (Socket pooled = server.accept()) {
                pooled.setSoTimeout(10_000);
                RawBackend.Connection first = RawBackend.Connection.of(pooled);
                first.readRequest();
                first.respond("first");
                assertThat(client.response().bodyText()).isEqualTo("first");

                // While nothing is accepted, the backend's accept queue fills and further SYNs are
                // dropped: the proxy's next connection will wait for a retransmitted SYN.
                List<Socket> queued = fillAcceptQueue(server);

                client.send(("PUT /2 HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + size + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)).send(Arrays.copyOf(body, firstPart));
                HttpMessage head = HttpMessage.readHead(first.input());
                assertThat(head.target()).isEqualTo("/2");
                first.input().readNBytes(firstPart);
                reset(first);

                // The rest arrives while the proxy waits for its fresh connection (not observable: a pause).
                Thread.sleep(300);
                client.send(Arrays.copyOfRange(body, firstPart, size));
                for (Socket socket : queued) {
                    server.accept().close();
                    socket.close();
                }
            }
            try (Socket fresh = server.accept()) {
                fresh.setSoTimeout(10_000);
                RawBackend.Connection second = RawBackend.Connection.of(fresh);
                HttpMessage retried = second.readRequest();
                assertThat(retried.target()).isEqualTo("/2");
                assertThat(retried.body()).isEqualTo(body);
                second.respond("whole");
            }
            assertThat(client.response().bodyText()).isEqualTo("whole");
        }
    }

    /** Opens connections nobody accepts until the listen queue of {@code server} refuses more. */
    private static List<Socket> fillAcceptQueue(ServerSocket server) throws IOException {
        List<Socket> queued = new ArrayList<>();
        while (true) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
                queued.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
                return queued;
            }
        }
    }

    // Clients that misbehave

    @Test
    void slowlorisClientIsAnswered408AndClosedAfterTheRequestHeaderTimeout() throws Exception {
        Duration headerTimeout = Duration.ofSeconds(1);
        try (RawBackend backend = RawBackend.answering("never");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .listenerTimeouts(headerTimeout, Duration.ofSeconds(60)).start();
             RawClient client = proxy.client()) {
            long start = System.nanoTime();
            writers.submit(() -> {
                for (byte b : "GET / HTTP/1.1\r\nHost: test.local\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaa".getBytes()) {
                    client.send(new byte[] {b});
                    Thread.sleep(200);
                }
                return null;
            });
            HttpMessage response = client.response();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(waited).isBetween(headerTimeout, headerTimeout.plusSeconds(2));
            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }

    @Test
    void idleKeepAliveClientConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        Duration idle = Duration.ofMillis(500);
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .listenerTimeouts(Duration.ofSeconds(10), idle).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/").status()).isEqualTo(200);
            long start = System.nanoTime();

            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(idle.minusMillis(50), idle.plusSeconds(2));
        }
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxConnections(2).start();
             RawClient first = proxy.client()) {
            assertThat(first.get("/").status()).isEqualTo(200);
            try (RawClient second = proxy.client()) {
                assertThat(second.get("/").status()).isEqualTo(200);

                try (RawClient third = proxy.client()) {
                    assertThat(third.isClosedByPeer(5000)).isTrue();
                }
                assertThat(first.get("/still").status()).isEqualTo(200);
            }

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (RawClient next = proxy.client()) {
                    assertThat(next.get("/").status()).isEqualTo(200);
                }
            });
        }
    }
}
