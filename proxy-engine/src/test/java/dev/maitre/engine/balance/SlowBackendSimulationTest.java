package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded discrete-event simulation: Poisson arrivals spread over five backends, four fast and one
 * five times slower, each serving four requests at a time and queueing the rest. The balancers see
 * each backend's outstanding requests (served and queued), as the proxy's active-request counts.
 */
class SlowBackendSimulationTest {

    private static final int BACKENDS = 5;
    private static final int SLOW = 4;
    private static final int WORKERS = 4;
    private static final double FAST_MEAN_MILLIS = 10;
    private static final double SLOW_MEAN_MILLIS = 50;
    /** Requests per second: 70% of what round robin can give the slow backend, 1/5 of the arrivals, is 70 of its 80. */
    private static final double ARRIVALS_PER_SECOND = 350;
    private static final int REQUESTS = 200_000;

    record Result(double slowShare, double p99Millis) {
    }

    private record Departure(double time, int backend) implements Comparable<Departure> {
        @Override
        public int compareTo(Departure other) {
            return Double.compare(time, other.time);
        }
    }

    static Result simulate(BalancerKind kind) {
        List<Endpoint> endpoints = Picks.endpoints(BACKENDS);
        LoadBalancer balancer = Picks.balancer(kind);
        Picks context = new Picks();
        SplittableRandom random = new SplittableRandom(7);
        PriorityQueue<Departure> departures = new PriorityQueue<>();
        int[] busy = new int[BACKENDS];
        @SuppressWarnings("unchecked")
        ArrayDeque<Double>[] queues = new ArrayDeque[BACKENDS];
        Arrays.setAll(queues, i -> new ArrayDeque<>());
        double[] latencies = new double[REQUESTS];
        int[] sent = new int[BACKENDS];
        double now = 0;
        int done = 0;
        for (int request = 0; request < REQUESTS; request++) {
            now += exponential(random, 1000 / ARRIVALS_PER_SECOND);
            while (!departures.isEmpty() && departures.peek().time() <= now) {
                Departure departure = departures.poll();
                int b = departure.backend();
                context.active.merge(endpoints.get(b), -1, Integer::sum);
                busy[b]--;
                if (!queues[b].isEmpty()) {
                    double arrived = queues[b].poll();
                    latencies[done++] = start(departures, random, b, arrived, departure.time(), busy);
                }
            }
            int b = endpoints.indexOf(balancer.pick(endpoints, context));
            sent[b]++;
            context.active.merge(endpoints.get(b), 1, Integer::sum);
            if (busy[b] < WORKERS) {
                latencies[done++] = start(departures, random, b, now, now, busy);
            } else {
                queues[b].add(now);
            }
        }
        while (!departures.isEmpty()) {
            Departure departure = departures.poll();
            int b = departure.backend();
            busy[b]--;
            if (!queues[b].isEmpty()) {
                latencies[done++] = start(departures, random, b, queues[b].poll(), departure.time(), busy);
            }
        }
        Arrays.sort(latencies, 0, done);
        return new Result((double) sent[SLOW] / REQUESTS, latencies[(int) (done * 0.99)]);
    }

    /** Starts serving a request that arrived at {@code arrived}; returns its latency. */
    private static double start(PriorityQueue<Departure> departures, SplittableRandom random, int backend,
                                double arrived, double now, int[] busy) {
        busy[backend]++;
        double service = exponential(random, backend == SLOW ? SLOW_MEAN_MILLIS : FAST_MEAN_MILLIS);
        departures.add(new Departure(now + service, backend));
        return now + service - arrived;
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    @Test
    void loadAwareBalancersSpareTheSlowBackendAndCutTheTail() {
        Result roundRobin = simulate(BalancerKind.ROUND_ROBIN);
        Result leastConnections = simulate(BalancerKind.LEAST_CONNECTIONS);
        Result powerOfTwo = simulate(BalancerKind.POWER_OF_TWO);
        Result random = simulate(BalancerKind.RANDOM);
        for (var entry : List.of(
                java.util.Map.entry("round_robin", roundRobin), java.util.Map.entry("random", random),
                java.util.Map.entry("least_connections", leastConnections),
                java.util.Map.entry("power_of_two", powerOfTwo))) {
            System.out.printf("slow backend simulation: %-17s slow backend share %5.1f%%, p99 %6.1f ms%n",
                    entry.getKey(), entry.getValue().slowShare() * 100, entry.getValue().p99Millis());
        }

        assertThat(roundRobin.slowShare()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.001));
        assertThat(leastConnections.slowShare()).isLessThan(roundRobin.slowShare());
        assertThat(powerOfTwo.slowShare()).isLessThan(roundRobin.slowShare());
        assertThat(leastConnections.p99Millis()).isLessThan(roundRobin.p99Millis());
        assertThat(powerOfTwo.p99Millis()).isLessThan(roundRobin.p99Millis());
    }

    @Test
    void repeatsExactlyWithTheSameSeed() {
        assertThat(simulate(BalancerKind.POWER_OF_TWO)).isEqualTo(simulate(BalancerKind.POWER_OF_TWO));
        assertThat(simulate(BalancerKind.LEAST_CONNECTIONS)).isEqualTo(simulate(BalancerKind.LEAST_CONNECTIONS));
    }
}
