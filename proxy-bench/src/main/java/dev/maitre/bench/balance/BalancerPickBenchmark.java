package dev.maitre.bench.balance;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HashOn;
import dev.maitre.engine.balance.Balancers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one pick costs, per balancer and cluster size, with the balancer shared by one thread and by
 * two (two event loops). The context is the proxy's: active-request counts from a concurrent map
 * (each backend has some), a hash key that changes with every pick, and no exclusions.
 *
 * <pre>
 * ./mvnw -pl proxy-bench -am package -DskipTests
 * java -jar proxy-bench/target/benchmarks.jar BalancerPickBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BalancerPickBenchmark {

    @Param({"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "LEAST_CONNECTIONS", "POWER_OF_TWO", "RANDOM", "CONSISTENT_HASH"})
    public BalancerKind balancer;

    @Param({"3", "100", "1000"})
    public int backends;

    LoadBalancer loadBalancer;
    List<Endpoint> eligible;
    /** Active requests per backend, kept as the proxy keeps them (a concurrent map of counters). */
    final Map<BackendId, AtomicInteger> active = new ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        List<BackendConfig> configs = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            HostPort address = new HostPort("10.0." + i / 250 + "." + i % 250, 8080);
            int weight = 1 + i % 3;
            configs.add(new BackendConfig(address, weight));
            endpoints.add(new Endpoint(new BackendId("bench", address), weight));
        }
        ClusterConfig cluster = ClusterConfig.of("bench", configs)
                .withBalancing(balancer, HashOn.CLIENT_IP, Duration.ZERO);
        loadBalancer = Balancers.create(cluster, 1);
        eligible = List.copyOf(endpoints);
        for (int i = 0; i < backends; i++) {
            active.put(endpoints.get(i).id(), new AtomicInteger(i * 7 % 5));
        }
    }

    /** One per benchmark thread, as one per connection in the proxy. */
    @State(Scope.Thread)
    public static class Context implements PickContext {
        private BalancerPickBenchmark benchmark;
        private long key;

        @Setup(Level.Trial)
        public void setUp(BalancerPickBenchmark benchmark) {
            this.benchmark = benchmark;
        }

        @Override
        public boolean isExcluded(Endpoint endpoint) {
            return false;
        }

        @Override
        public int activeRequests(Endpoint endpoint) {
            return benchmark.active.get(endpoint.id()).get();
        }

        @Override
        public long hashKey() {
            return key++;
        }
    }

    @Benchmark
    @Threads(1)
    public Endpoint oneThread(Context context) {
        return loadBalancer.pick(eligible, context);
    }

    @Benchmark
    @Threads(2)
    public Endpoint twoThreads(Context context) {
        return loadBalancer.pick(eligible, context);
    }
}
