package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.engine.testing.Pacer;
import dev.maitre.engine.testing.Payload;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies of 16 MiB in both directions and in every framing pass through byte for byte (compared by
 * SHA-256), one after another on one keep-alive connection; request bodies over the limit are
 * refused with 413, up front or midway.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LargeBodyIT {

    private static final int SIZE = 16 << 20;

    private final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    /** A keep-alive backend that answers each request with the length and digest of its body. */
    private static RawBackend digestingBackend() throws IOException {
        RawBackend[] self = new RawBackend[1];
        self[0] = RawBackend.start(connection -> {
            while (true) {
                HttpMessage head;
                try {
                    head = HttpMessage.readHead(connection.input());
                } catch (EOFException e) {
                    return;
                }
                self[0].record(head);
                connection.respond(BodyDigest.ofRequestBody(connection.input(), head, Pacer.fullSpeed()).toString());
            }
        });
        return self[0];
    }

    /**
     * A keep-alive backend that answers {@code GET /<framing>/<seed>} with a 16 MiB payload framed by
     * Content-Length ({@code length}), chunked ({@code chunked}) or the end of the connection
     * ({@code close}).
     */
    private static RawBackend payloadBackend() throws IOException {
        return RawBackend.start(connection -> {
            while (true) {
                HttpMessage head;
                try {
                    head = HttpMessage.readHead(connection.input());
                } catch (EOFException e) {
                    return;
                }
                String[] path = head.target().split("/");
                Payload payload = Payload.of(SIZE, Long.parseLong(path[2]));
                switch (path[1]) {
                    case "length" -> {
                        connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
                        payload.writeTo(connection.output(), Pacer.fullSpeed());
                    }
                    case "chunked" -> {
                        connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                        payload.writeChunkedTo(connection.output(), 8192, Pacer.fullSpeed());
                    }
                    case "close" -> {
                        connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n");
                        payload.writeTo(connection.output(), Pacer.fullSpeed());
                        return;
                    }
                    default -> throw new IllegalArgumentException(head.target());
                }
            }
        });
    }


    private Future<BodyDigest> sendChunked(RawClient client, Payload payload, int chunkSize) {
        return writers.submit(() -> payload.writeChunkedTo(client.output(), chunkSize, Pacer.fullSpeed()));
    }

    @Test
    void requestBodiesOf16MiBArriveByteExactOneAfterAnotherOnOneConnection() throws Exception {
        try (RawBackend backend = digestingBackend();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            for (int round = 0; round < 2; round++) {
                Payload byLength = Payload.of(SIZE, 10 + round);
                client.send("POST /length HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + SIZE + "\r\n\r\n");
                BodyDigest sent = byLength.writeTo(client.output(), Pacer.fullSpeed());
                HttpMessage response = client.response();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo(sent.toString());

                Payload chunked = Payload.of(SIZE, 20 + round);
                client.send("POST /chunked HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n");
                BodyDigest sentChunked = chunked.writeChunkedTo(client.output(), 10_000 + round * 50_000, Pacer.fullSpeed());
                response = client.response();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo(sentChunked.toString());
            }

            List<HttpMessage> seen = backend.requests();
            assertThat(seen).extracting(HttpMessage::contentLength).containsExactly((long) SIZE, -1L, (long) SIZE, -1L);
            assertThat(seen).extracting(HttpMessage::isChunked).containsExactly(false, true, false, true);
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void responseBodiesOf16MiBArriveByteExactInEveryFramingOnOneConnection() throws Exception {
        try (RawBackend backend = payloadBackend();
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            long seed = 100;
            for (String framing : List.of("length", "chunked", "length", "close", "chunked", "close", "length")) {
                client.send("GET /" + framing + "/" + seed + " HTTP/1.1\r\nHost: test.local\r\n\r\n");
                HttpMessage head = HttpMessage.readHead(client.input());
                BodyDigest received = BodyDigest.ofResponseBody(client.input(), head, Pacer.fullSpeed());

                assertThat(head.status()).as(framing).isEqualTo(200);
                assertThat(received).as(framing).isEqualTo(Payload.of(SIZE, seed).digest());
                if (framing.equals("length")) {
                    assertThat(head.contentLength()).isEqualTo(SIZE);
                } else {
                    // Without a length from the backend, an HTTP/1.1 client gets chunked framing and keeps its connection.
                    assertThat(head.isChunked()).as(framing).isTrue();
                }
                seed++;
            }
            // The backend connection ends with each close-delimited body, and only then.
            assertThat(backend.connectionsAccepted()).isEqualTo(3);
        }
    }

    @Test
    void requestBodyOverTheLimitByContentLengthIsRefusedWith413BeforeAnyBackendIsAsked() throws Exception {
        try (RawBackend backend = digestingBackend();
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(SIZE).start();
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + (SIZE + 1) + "\r\n\r\n");
            HttpMessage response = client.response();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(response.bodyText()).contains("request body too large");
            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }

    @Test
    void chunkedRequestBodyOverTheLimitIsRefusedWith413MidwayAndTheBackendConnectionIsDropped() throws Exception {
        CountDownLatch backendCutOff = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage head = HttpMessage.readHead(connection.input());
                 if (head.isChunked()) {
                     try {
                         BodyDigest.ofRequestBody(connection.input(), head, Pacer.fullSpeed());
                     } catch (EOFException expected) {
                         backendCutOff.countDown();
                     }
                     return;
                 }
                 connection.respond("fresh");
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(SIZE).start();
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n");
            Future<BodyDigest> sending = sendChunked(client, Payload.of(SIZE + (1 << 20), 7), 32 * 1024);
            HttpMessage response = client.response();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(5000)).isTrue();
            assertThat(backendCutOff.await(5, TimeUnit.SECONDS)).as("backend connection closed mid-body").isTrue();
            sending.cancel(true);

            try (RawClient next = proxy.client()) {
                assertThat(next.get("/after").bodyText()).isEqualTo("fresh");
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void chunkedRequestBodyOverTheLimitAfterTheResponseBeganCutsTheClientOff() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 // Answers at once, with a body it never finishes: the response has begun.
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nearly");
                 connection.input().transferTo(OutputStream.nullOutputStream());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(SIZE).start();
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n");
            sendChunked(client, Payload.of(SIZE + (1 << 20), 8), 32 * 1024);

            // A truncated body (end of stream) or a reset, but not a complete answer and not a wait.
            assertThatThrownBy(client::response).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
            assertThat(client.isClosedByPeer(5000)).isTrue();
        }
    }
}
