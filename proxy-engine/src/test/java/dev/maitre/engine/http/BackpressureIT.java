package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.engine.testing.Pacer;
import dev.maitre.engine.testing.Payload;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The memory bound of the data plane: a gigabyte moving between a fast peer and a slow one goes
 * through the proxy while what it holds in its outbound buffers stays at a few hundred KiB, because
 * the fast side is only read while the slow side can take more.
 */
class BackpressureIT {

    private static final long GIB = 1L << 30;
    /**
     * What "a few hundred KiB per connection" means here. The design holds at most a write buffer's
     * high-water mark (64 KiB) plus one read (64 KiB) per direction.
     */
    private static final long BOUND = 512 * 1024;

    /** The slow peer moves 2 MiB, then rests 40 ms: at most 50 MiB/s, slower than the proxy. */
    private static Pacer slow() {
        return Pacer.bursts(2 << 20, Duration.ofMillis(40));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void uploadOfOneGibibyteToASlowBackendKeepsBufferedBytesBounded() throws Exception {
        AtomicReference<BodyDigest> received = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage head = HttpMessage.readHead(connection.input());
                 BodyDigest body = BodyDigest.ofRequestBody(connection.input(), head, slow());
                 received.set(body);
                 connection.respond(body.sha256());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(2 * GIB).start();
             RawClient client = proxy.client()) {
            long start = System.nanoTime();
            BodyDigest sent;
            HttpMessage response;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nContent-Length: " + GIB + "\r\n\r\n");
                sent = Payload.of(GIB, 1).writeTo(client.output(), Pacer.fullSpeed());
                response = client.response();
            }
            report("upload, slow backend", start, sampler);

            assertThat(response.status()).isEqualTo(200);
            assertThat(received.get()).isEqualTo(sent);
            assertThat(response.bodyText()).isEqualTo(sent.sha256());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void downloadOfOneGibibyteByASlowClientKeepsBufferedBytesBounded() throws Exception {
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + GIB + "\r\n\r\n");
                 sent.set(Payload.of(GIB, 2).writeTo(connection.output(), Pacer.fullSpeed()));
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            long start = System.nanoTime();
            HttpMessage head;
            BodyDigest received;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                client.send("GET /download HTTP/1.1\r\nHost: test.local\r\n\r\n");
                head = HttpMessage.readHead(client.input());
                received = BodyDigest.ofResponseBody(client.input(), head, slow());
            }
            report("download, slow client", start, sampler);

            assertThat(head.status()).isEqualTo(200);
            assertThat(received.bytes()).isEqualTo(GIB);
            assertThat(received).isEqualTo(sent.get());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
        }
    }

    private static void report(String what, long startNanos, BufferedBytesSampler sampler) {
        System.out.printf("%s: 1 GiB in %d ms; max bufferedBytes %d (%d samples); allocator in use grew by at most %d%n",
                what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), sampler.maxBuffered(),
                sampler.samples(), sampler.maxAllocatorGrowth());
    }
}
