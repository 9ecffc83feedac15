package dev.maitre.engine.http;

import java.util.concurrent.CountDownLatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.ProxyEngine;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.testing.HttpMessage;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that pipelines thousands of requests and reads none of the answers: what the proxy holds
 * for it stays bounded, because the next waiting request starts only once the client connection is
 * writable, and beyond {@code limits.pipelinedRequests} waiting requests nothing more is read or
 * decoded. Clients that do read still get every answer, in order.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeliningBackpressureIT {

    private static final int PIPELINED = 20_000;
    private static final int ANSWER_BYTES = 30 * 1024;
    /** The client's kernel buffers, fixed so that what the kernel holds is known. */
    private static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;
    private static final int CLIENT_SEND_BUFFER = 64 * 1024;
    /**
     * What the proxy may hold in its outbound buffers for the connection: the write-buffer high-water
     * mark (64 KiB) plus one read of the backend's answer (up to 64 KiB), as in {@code BackpressureIT}
     * with room to spare.
     */
    private static final long BOUND = 512 * 1024;

    private static String get(String host, int i) {
        return "GET /item/" + i + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    }

    @Test
    void clientThatPipelinesAndNeverReadsHoldsTheProxyToABoundAndIsReleasedWhenItLeaves() throws Exception {
        // Head and body in one write, as most servers send a small answer: the proxy reads it whole.
        String answer = "HTTP/1.1 200 OK\r\nContent-Length: " + ANSWER_BYTES + "\r\n\r\n" + "x".repeat(ANSWER_BYTES);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.write(answer));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start()) {
            BackendId id = new BackendId(ProxyFixture.CLUSTER, backend.address());
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            int received;
            try (sampler; Socket client = nonReadingClient(proxy.address())) {
                Thread writer = writeInBackground(client, PIPELINED, i -> get("test.local", i));
                received = awaitNoMoreRequests(backend);
                assertThat(proxy.engine().openConnections()).isEqualTo(1);
                writer.interrupt();
            }
            // The kernel holds what the proxy sent and the client did not read: the proxy's send
            // buffer (autotuned up to tcp_wmem's maximum) and the client's receive buffer. The kernel
            // counts its own overhead against these sizes, so the payload they hold is less.
            long kernel = sendBufferMax() + CLIENT_RECEIVE_BUFFER;
            long bound = (kernel + BOUND) / ANSWER_BYTES + ListenerLimits.DEFAULT_PIPELINED_REQUESTS + 2;
            System.out.printf("%d pipelined GETs, client reads nothing: backend got %d (bound %d); "
                    + "max bufferedBytes %d%n", PIPELINED, received, bound, sampler.maxBuffered());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
            assertThat(received).isLessThan((int) bound);

            awaitReleased(proxy.engine(), id);
        }
    }

    /**
     * Answers of about 130 bytes: 20,000 of them would fit in the kernel's socket buffers, which hold
     * several MiB on loopback, so the client sends more, enough to overflow them fivefold.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {404, 503})
    void clientThatPipelinesRequestsMaitreAnswersItselfAndNeverReadsHoldsTheProxyToABound(int status)
            throws Exception {
        int count = (int) (5 * (sendBufferMax() + CLIENT_RECEIVE_BUFFER) / 130);
        try (RawBackend backend = RawBackend.answering("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .routes(List.of(new RouteConfig("known.example", null, ProxyFixture.CLUSTER)))
                     .health(cluster -> List.of()).start()) {
            String host = status == 404 ? "unknown.example" : "known.example";
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            AtomicLong written = new AtomicLong();
            try (sampler; Socket client = nonReadingClient(proxy.address())) {
                Thread writer = writeInBackground(client, count, i -> get(host, i), written);
                // Nothing observable tells when the proxy stops: give it time to answer everything it would.
                Thread.sleep(3000);
                assertThat(proxy.engine().openConnections()).isEqualTo(1);
                writer.interrupt();
            }
            System.out.printf("%d pipelined requests answered %d by maitre, client reads nothing: "
                    + "max bufferedBytes %d, request bytes taken %d of %d%n", count, status, sampler.maxBuffered(),
                    written.get(), (long) count * get(host, 0).length());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
            // The kernel's buffers hold a fifth of the answers; had the proxy gone on reading (and
            // decoding, or holding what it cannot decode), the client could have sent everything.
            assertThat(written.get()).isLessThan((long) count * get(host, 0).length() / 2);
            assertThat(backend.requests()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.engine().openConnections() == 0
                    && proxy.engine().bufferedBytes() == 0);
        }
    }

    @Test
    void thirtyThousandPipelined404sAreAllAnsweredToAClientThatReads() throws Exception {
        int count = 30_000;
        try (RawBackend backend = RawBackend.answering("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1)
                     .routes(List.of(new RouteConfig("known.example", null, ProxyFixture.CLUSTER))).start();
             RawClient client = proxy.client()) {
            Thread writer = writeInBackground(client.socket(), count, i -> get("unknown.example", i));
            for (int i = 0; i < count; i++) {
                HttpMessage response = client.response();
                assertThat(response.status()).as("answer %d", i).isEqualTo(404);
                assertThat(response.bodyText()).isEqualTo("404 Not Found: no route for this host and path\n");
            }
            writer.join(10_000);
            assertThat(client.get("/last").status()).isEqualTo(404);
        }
    }

    @Test
    void pipelinedAnswersOfAClientThatReadsSlowlyArriveWholeAndInOrder() throws Exception {
        int count = 200;
        String answer = "y".repeat(ANSWER_BYTES);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) ->
                     connection.respond(request.target() + " " + answer));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).pipelinedRequests(2).start();
             RawClient client = proxy.client()) {
            Thread writer = writeInBackground(client.socket(), count, i -> get("test.local", i));
            for (int i = 0; i < count; i++) {
                if (i % 50 == 0) {
                    // The proxy stops and must pick up again when the client reads.
                    Thread.sleep(300);
                }
                assertThat(client.response().bodyText()).isEqualTo("/item/" + i + " " + answer);
            }
            writer.join(10_000);
            assertThat(backend.requests()).hasSize(count);
        }
    }

    /**
     * While the answer to a request is awaited the proxy keeps reading the connection, but not past
     * the next request's head: a body sent behind it stays with the client (and the kernel) until
     * its exchange takes it, however much of it there is.
     */
    @Test
    void aBodyPipelinedBehindARequestAwaitingItsAnswerIsNotReadAhead() throws Exception {
        long body = 96L << 20;
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 answer.await(30, TimeUnit.SECONDS);
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             Socket client = nonReadingClient(proxy.address())) {
            OutputStream out = client.getOutputStream();
            out.write(("GET /slow HTTP/1.1\r\nHost: test.local\r\n\r\n"
                    + "POST /next HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + body + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    while (written.get() < body) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException closed) {
                    // The test ends by closing the socket.
                }
            });
            writer.setDaemon(true);
            writer.start();
            // Time enough for the proxy to read all of it, were it reading on.
            Thread.sleep(1500);
            long taken = written.get();
            answer.countDown();
            // What the kernel holds: the client's send buffer and the proxy's receive buffer, which
            // loopback autotunes up to tcp_rmem's maximum; and one read of the proxy.
            long bound = CLIENT_SEND_BUFFER + receiveBufferMax() + (8L << 20);
            System.out.printf("a %d-byte body behind a request awaiting its answer: client wrote %d (bound %d)%n",
                    body, taken, bound);
            assertThat(taken).isLessThan(bound);
        }
    }

    private static long receiveBufferMax() {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_rmem")).trim().split("\\s+");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return 6L << 20;
        }
    }

    private static Socket nonReadingClient(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
        socket.setSendBufferSize(CLIENT_SEND_BUFFER);
        socket.connect(address, 5000);
        return socket;
    }

    /** Writes the requests from a thread of its own: the proxy may stop reading, which blocks the writer. */
    private static Thread writeInBackground(Socket socket, int count, IntFunction<String> request) {
        return writeInBackground(socket, count, request, new AtomicLong());
    }

    /** As above, counting in {@code written} the bytes the kernel took. */
    private static Thread writeInBackground(Socket socket, int count, IntFunction<String> request,
                                            AtomicLong written) {
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    batch.append(request.apply(i));
                    if (batch.length() > 16 * 1024 || i == count - 1) {
                        out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                        written.addAndGet(batch.length());
                        batch.setLength(0);
                    }
                }
                out.flush();
            } catch (IOException e) {
                // the socket was closed by the test or the proxy
            }
        }, "pipelining-client");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    /** Waits until the backend has received no new request for a second; returns how many it received. */
    private static int awaitNoMoreRequests(RawBackend backend) throws InterruptedException {
        int last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            int now = backend.requests().size();
            if (now == last || now >= PIPELINED) {
                return now;
            }
            last = now;
        }
        return backend.requests().size();
    }

    private static void awaitReleased(ProxyEngine engine, BackendId id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.openConnections() == 0
                && engine.activeRequests(id) == 0 && engine.bufferedBytes() == 0);
    }

    /** The kernel's largest automatic send buffer (tcp_wmem's third field), or 4 MiB where unknown. */
    private static long sendBufferMax() {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return 4L << 20;
        }
    }
}
