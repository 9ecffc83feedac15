package dev.maitre.bench.proxy;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live heap one idle keep-alive client connection holds, measured by {@link IdleConnectionFootprint}
 * and reported as the secondary metric {@code bytesPerIdleConnection}; the breakdown by class is
 * printed with the run. The primary score, the time to open the connections (with a child JVM's
 * start and two full collections), means little: {@code compare-jmh.py} compares the bytes with the
 * base commit's instead. There is no direct baseline: the bytes are maitre's alone.
 * The warm-up round loads and compiles what a connection needs; the measured round counts only
 * connections. JMH sums an event counter over measured iterations, so there is one.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -jar proxy-bench/target/benchmarks.jar IdleConnectionBenchmark -f 1 -wi 1 -i 1
 * </pre>
 * Needs about {@code connections} + 100 open files (ulimit -n).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 1)
// G1 as bin/maitre runs it, and a heap small enough for compressed references, which halve a reference's size.
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseG1GC", "-Xmx512m", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Benchmark)
public class IdleConnectionBenchmark {

    @Param("5000")
    public int connections;

    private BenchBackend backend;
    private BenchProxy proxy;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        backend = BenchBackend.start();
        proxy = BenchProxy.http(backend.httpAddress(), 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        proxy.close();
        backend.close();
    }

    /** The figure of the iteration; an event counter, so JMH reports it as it is, not per second. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Footprint {
        public double bytesPerIdleConnection;
    }

    @Benchmark
    public void idleConnections(Footprint footprint) throws Exception {
        IdleConnectionFootprint.Result result =
                IdleConnectionFootprint.measure(proxy.address(), connections, proxy::openConnections);
        footprint.bytesPerIdleConnection = result.bytesPerConnection();
        System.out.print(result.report(15));
    }
}
