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
 * Small GETs per second over keep-alive connections: each benchmark thread owns one client
 * connection and sends one request at a time ({@value #BODY_BYTES}-byte answers), directly to the
 * backend or through maitre, whose pool keeps the backend connections. With one connection the
 * score is the inverse of the round trip; with two, how far the path scales on two connections.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -jar proxy-bench/target/benchmarks.jar HttpProxyBenchmark -f 1 -wi 1 -i 2 -w 1s -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled") // the detector's sampling would be measured too
@State(Scope.Benchmark)
public class HttpProxyBenchmark {

    static final int BODY_BYTES = 100;

    @Param
    public Target target;

    private BenchBackend backend;
    private BenchProxy proxy;
    InetSocketAddress address;
    final byte[] request = BlockingClient.getRequest(BODY_BYTES);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backend = BenchBackend.start();
        if (target == Target.MAITRE) {
            proxy = BenchProxy.http(backend.httpAddress(), 64);
            address = proxy.address();
        } else {
            address = backend.httpAddress();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    /** Each benchmark thread's keep-alive connection, open for the whole trial. */
    @State(Scope.Thread)
    public static class Connection {
        BlockingClient client;

        @Setup(Level.Trial)
        public void open(HttpProxyBenchmark benchmark) throws IOException {
            client = BlockingClient.connect(benchmark.address);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            client.close();
        }
    }

    @Benchmark
    @Threads(1)
    public int oneConnection(Connection connection) throws IOException {
        return connection.client.get(request);
    }

    @Benchmark
    @Threads(2)
    public int twoConnections(Connection connection) throws IOException {
        return connection.client.get(request);
    }
}
