package dev.maitre.bench.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
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
 * Connection pairs per second: one operation is a client connect, maitre's accept, pick and
 * backend connect (or a pooled backend connection), one small exchange ({@value #BODY_BYTES}
 * bytes back) and the client's close.
 *
 * <ul>
 *   <li>{@code L4}: a tcp listener, a new backend connection per client connection.</li>
 *   <li>{@code HTTP_NEW_CONNECTION}: an HTTP listener whose pool keeps nothing ({@code maxIdle: 0}),
 *       so every request opens a backend connection.</li>
 *   <li>{@code HTTP_POOLED}: an HTTP listener with the default pool; after the first request the
 *       backend connection is reused, so only the client side is new.</li>
 *   <li>{@code HTTP_POOLED_TWO_WORKERS}: the same with two worker event loops. On epoll each accepts
 *       on a listening socket of its own and the kernel gives each new connection to one of them,
 *       which serves it without handing it to another thread; a return to one accept loop that
 *       hands connections over shows here as a lower score against {@code DIRECT}.</li>
 * </ul>
 *
 * {@code DIRECT} connects the client to the backend itself; for the HTTP paths it is the same
 * baseline, measured for each so that each row has its own.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -jar proxy-bench/target/benchmarks.jar ConnectionPairingBenchmark -f 1 -wi 1 -i 2 -w 1s -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled") // the detector's sampling would be measured too
@Threads(1)
@State(Scope.Benchmark)
public class ConnectionPairingBenchmark {

    static final int BODY_BYTES = 100;

    public enum Path {
        L4,
        HTTP_NEW_CONNECTION,
        HTTP_POOLED,
        HTTP_POOLED_TWO_WORKERS
    }

    @Param
    public Path path;

    @Param
    public Target target;

    private BenchBackend backend;
    private BenchProxy proxy;
    private InetSocketAddress address;
    private byte[] request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backend = BenchBackend.start();
        boolean l4 = path == Path.L4;
        request = l4 ? BlockingClient.tcpRequest(BODY_BYTES) : BlockingClient.getRequest(BODY_BYTES);
        if (target == Target.DIRECT) {
            address = l4 ? backend.tcpAddress() : backend.httpAddress();
            return;
        }
        proxy = switch (path) {
            case L4 -> BenchProxy.tcp(backend.tcpAddress());
            case HTTP_NEW_CONNECTION -> BenchProxy.http(backend.httpAddress(), 0);
            case HTTP_POOLED -> BenchProxy.http(backend.httpAddress(), 64);
            case HTTP_POOLED_TWO_WORKERS -> BenchProxy.http(backend.httpAddress(), 64, 2);
        };
        address = proxy.address();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    @Benchmark
    public int pair() throws IOException {
        try (BlockingClient client = BlockingClient.connect(address)) {
            return path == Path.L4 ? client.fetch(request, BODY_BYTES) : client.get(request);
        }
    }
}
