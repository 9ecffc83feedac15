package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.engine.http2.Http2Limits;
import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.engine.testing.Http2TestClient;
import dev.maitre.engine.testing.Http2TestClient.Answer;
import dev.maitre.engine.testing.Http2TestClient.Reading;
import dev.maitre.engine.testing.Pacer;
import dev.maitre.engine.testing.Payload;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.engine.testing.SlowSinkBackend;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The memory bound of HTTP/2 clients: flow control is the backpressure, so what maitre holds for a
 * stream ({@code bufferedBytes()}, which counts the request body held in the streams and the answer
 * bytes waiting for the client's window as well as the channels' outbound buffers) stays within its
 * window plus what one backend connection holds, however large the body and however slow the
 * other side.
 */
class Http2BackpressureIT {

    private static final long MIB = 1 << 20;
    private static final long SIZE = 64 * MIB;
    /** A channel's write-buffer high-water mark, and what one socket read brings at most. */
    private static final long HIGH_WATER_MARK = 64 * 1024;
    private static final long READ = 64 * 1024;
    /** The stream window of these tests: large enough that a full one shows in the samples. */
    private static final int WINDOW = (int) MIB;

    private static ListenerHttp2 window(int size) {
        ListenerHttp2 defaults = ListenerHttp2.defaults();
        return new ListenerHttp2(true, defaults.maxConcurrentStreams(), size, defaults.maxFrameSize(),
                defaults.maxHeaderListSize());
    }

    /** The slow peer moves 2 MiB, then rests 40 ms: at most 50 MiB/s, slower than the proxy. */
    private static Pacer slow() {
        return Pacer.bursts(2 * MIB, Duration.ofMillis(40));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void uploadToASlowBackendHoldsAtMostTheStreamWindow() throws Exception {
        AtomicReference<BodyDigest> received = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage head = HttpMessage.readHead(connection.input());
                 BodyDigest body = BodyDigest.ofRequestBody(connection.input(), head, slow());
                 received.set(body);
                 connection.respond(body.sha256());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(2 * SIZE)
                     .http2(window(WINDOW)).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            long start = System.nanoTime();
            BodyDigest sent;
            Answer answer;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                Http2TestClient.Stream stream = client.open(
                        Http2TestClient.headers("POST", "/upload").addLong("content-length", SIZE), false,
                        Reading.AT_ONCE);
                sent = stream.upload(SIZE, 1);
                answer = stream.answer().get(1, TimeUnit.MINUTES);
            }
            report("upload, slow backend", start, sampler);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(received.get()).isEqualTo(sent);
            assertThat(sent).isEqualTo(Payload.of(SIZE, 1).digest());
            assertThat(answer.bodyText()).isEqualTo(sent.sha256());
            // The window fills while the backend rests, and no more than it is held.
            assertThat(sampler.maxBuffered()).isGreaterThan(WINDOW / 2)
                    .isLessThan(WINDOW + HIGH_WATER_MARK + 2 * READ);
            assertNothingHeld(proxy);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void downloadByASlowClientReadsTheBackendOnlyAsTheClientTakesIt() throws Exception {
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        AtomicLong written = new AtomicLong();
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage.readHead(connection.input());
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + SIZE + "\r\n\r\n");
                 sent.set(Payload.of(SIZE, 2).writeTo(counting(connection.output(), written), Pacer.fullSpeed()));
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), WINDOW)) {
            long start = System.nanoTime();
            Answer answer;
            long stalledAt;
            long stalledLater;
            long takenWhenStalled;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                // The client takes 16 MiB, rests 600 ms, and so on.
                Http2TestClient.Stream stream = client.open(Http2TestClient.get("/download"), true,
                        Reading.bursts(16 * MIB, Duration.ofMillis(600)));
                while (stream.bytesRead() < 16 * MIB) {
                    Thread.sleep(5);
                }
                Thread.sleep(300);
                stalledAt = written.get();
                takenWhenStalled = stream.bytesRead();
                Thread.sleep(200);
                stalledLater = written.get();
                answer = stream.answer().get(1, TimeUnit.MINUTES);
            }
            report("download, slow client", start, sampler);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.digest()).isEqualTo(sent.get());
            // While the client rests, the backend is not read: what it wrote stays within the buffers
            // between them (kernel buffers on both sides of maitre, the window, the high-water mark).
            assertThat(stalledLater).as("backend bytes written while the client rests").isEqualTo(stalledAt);
            assertThat(stalledAt - takenWhenStalled).isLessThan(16 * MIB);
            // Once the client's window is used up (the kernel buffers between them take more than it),
            // one backend read waits in the flow controller, the connection's high-water mark in its
            // outbound buffer: the backend is not read while the stream cannot send.
            assertThat(sampler.maxBuffered()).isLessThan(HIGH_WATER_MARK + 2 * READ + 16 * 1024);
            assertNothingHeld(proxy);
        }
    }

    /**
     * Many connections of many streams, each uploading 1 MiB to a slow backend: what maitre holds is
     * bounded by the windows (each connection's at most) and by one backend connection's buffers per
     * stream. The sizes are kept small for CI (10 x 10); the full scenario (100 x 100) runs by hand,
     * with the backend in a process of its own ({@code python3 src/test/resources/h2/slow-sink.py}
     * prints its port) and {@code -Dtest.jvm.args='-Dh2.connections=100 -Dh2.streams=100
     * -Dh2.backend=127.0.0.1:PORT -Dio.netty.leakDetection.level=simple'}.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyStreamsUploadingToASlowBackendStayWithinTheirWindows() throws Exception {
        int connections = Integer.getInteger("h2.connections", 10);
        int streams = Integer.getInteger("h2.streams", 10);
        long size = MIB;
        byte[] block = new byte[16 * 1024];
        new SplittableRandom(3).nextBytes(block);
        ListenerHttp2 http2 = ListenerHttp2.defaults();
        // The full run's backend is a process of its own (h2/slow-sink.py): its connections would not
        // fit in this JVM's file descriptors with maitre's.
        String external = System.getProperty("h2.backend");
        try (SlowSinkBackend backend = SlowSinkBackend.start(256 * 1024, Duration.ofMillis(20));
             ProxyFixture proxy = ProxyFixture.builder(external != null ? HostPort.parse(external) : backend.address())
                     .http2(http2).start()) {
            long start = System.nanoTime();
            List<Http2TestClient> clients = new ArrayList<>();
            List<Http2TestClient.Stream> opened = new ArrayList<>();
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                List<CompletableFuture<Void>> uploads = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535);
                    clients.add(client);
                    for (int s = 0; s < streams; s++) {
                        Http2TestClient.Stream stream = client.open(
                                Http2TestClient.headers("POST", "/" + c + "/" + s).addLong("content-length", size),
                                false, Reading.AT_ONCE);
                        opened.add(stream);
                        uploads.add(stream.uploadAsync(size, block));
                    }
                }
                for (Http2TestClient.Stream stream : opened) {
                    Answer answer = stream.answer().get(15, TimeUnit.MINUTES);
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.bodyText()).isEqualTo(Long.toString(size));
                }
                CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            } finally {
                clients.forEach(Http2TestClient::close);
            }
            System.out.printf("%d connections x %d streams of 1 MiB, slow backend: %d ms; max bufferedBytes %d"
                    + " (%d samples); allocator in use grew by at most %d%n", connections, streams,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), sampler.maxBuffered(),
                    sampler.samples(), sampler.maxAllocatorGrowth());

            if (external == null) {
                assertThat(backend.answered()).isEqualTo(connections * streams);
                assertThat(backend.bodyBytes()).isEqualTo(connections * streams * size);
            }
            long perConnection = Math.min(Http2Limits.connectionWindow(http2),
                    (long) streams * http2.initialWindowSize());
            long bound = connections * perConnection
                    + (long) connections * streams * (HIGH_WATER_MARK + READ);
            assertThat(sampler.maxBuffered()).isLessThan(bound);
            assertNothingHeld(proxy);
        }
    }

    @Test
    void streamsResetByTheClientLetGoOfWhatTheyHeld() throws Exception {
        try (SlowSinkBackend backend = SlowSinkBackend.start(64 * 1024, Duration.ofSeconds(1));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).http2(window(WINDOW)).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            List<Http2TestClient.Stream> streams = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Http2TestClient.Stream stream = client.open(
                        Http2TestClient.headers("POST", "/" + i).addLong("content-length", 8 * MIB), false,
                        Reading.AT_ONCE);
                stream.uploadAsync(8 * MIB, new byte[16 * 1024]);
                streams.add(stream);
            }
            // The backend rests: the streams fill their windows, and maitre holds them.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (proxy.engine().bufferedBytes() < WINDOW / 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(proxy.engine().bufferedBytes()).isGreaterThanOrEqualTo(WINDOW / 2);
            for (Http2TestClient.Stream stream : streams) {
                stream.cancel();
            }
            assertNothingHeld(proxy);
            // The connection goes on.
            Answer answer = client.request(Http2TestClient.headers("POST", "/after").addLong("content-length", 0))
                    .answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
        }
    }

    /** Once every stream has ended, maitre holds nothing (what it counted held was all let go). */
    private static void assertNothingHeld(ProxyFixture proxy) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.engine().bufferedBytes() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(proxy.engine().bufferedBytes()).as("bytes held once every stream ended").isZero();
    }

    private static OutputStream counting(OutputStream out, AtomicLong count) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                count.addAndGet(len);
            }
        };
    }

    private static void report(String what, long startNanos, BufferedBytesSampler sampler) {
        System.out.printf("HTTP/2 %s: 64 MiB in %d ms; max bufferedBytes %d (%d samples); allocator in use grew by"
                + " at most %d%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                sampler.maxBuffered(), sampler.samples(), sampler.maxAllocatorGrowth());
    }
}
