package dev.maitre.bench.proxy;

import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.RelayMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bytes per second from backend to client over one kept connection: through the L4 relay
 * ({@code TCP}: the client asks for N bytes with a 4-byte request) and through the HTTP path
 * ({@code HTTP}: {@code GET /N} answered with an N-byte body). The L4 relay runs in both its modes
 * ({@code relay}: {@code BUFFERED}, the {@code ByteBuf} relay, and {@code SPLICE}, through a kernel
 * pipe); {@code relay} changes nothing for {@code HTTP} or {@code DIRECT}, so restrict it there
 * ({@code -p relay=BUFFERED}) rather than measure the same path twice.
 *
 * <p>How to read it: the primary score is payloads per second; the {@code bytes} secondary score
 * is the same in body bytes per second, so MB/s = {@code bytes} / 1,000,000 (MiB/s: / 1,048,576),
 * or the primary score × {@code size} / 1,000,000. HTTP heads are not counted.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -jar proxy-bench/target/benchmarks.jar ByteRelayBenchmark -p protocol=TCP -f 1 -wi 1 -i 2 -w 1s -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled") // the detector's sampling would be measured too
@Threads(1)
@State(Scope.Benchmark)
public class ByteRelayBenchmark {

    @Param({"TCP", "HTTP"})
    public Protocol protocol;

    @Param({"4096", "65536", "1048576"})
    public int size;

    @Param
    public Target target;

    @Param({"BUFFERED", "SPLICE"})
    public RelayMode relay;

    private BenchBackend backend;
    private BenchProxy proxy;
    InetSocketAddress address;
    byte[] request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backend = BenchBackend.start();
        boolean tcp = protocol == Protocol.TCP;
        request = tcp ? BlockingClient.tcpRequest(size) : BlockingClient.getRequest(size);
        InetSocketAddress backendAddress = tcp ? backend.tcpAddress() : backend.httpAddress();
        if (target == Target.MAITRE) {
            proxy = tcp ? BenchProxy.tcp(backendAddress, relay) : BenchProxy.http(backendAddress, 64);
            address = proxy.address();
        } else {
            address = backendAddress;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    /** Each benchmark thread's connection, open for the whole trial. */
    @State(Scope.Thread)
    public static class Connection {
        BlockingClient client;

        @Setup(Level.Trial)
        public void open(ByteRelayBenchmark benchmark) throws IOException {
            client = BlockingClient.connect(benchmark.address);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    /** Body bytes received, reported by JMH as a rate (bytes per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Received {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Benchmark
    public int relay(Connection connection, Received received) throws IOException {
        int n = protocol == Protocol.TCP ? connection.client.fetch(request, size) : connection.client.get(request);
        received.bytes += n;
        return n;
    }
}
