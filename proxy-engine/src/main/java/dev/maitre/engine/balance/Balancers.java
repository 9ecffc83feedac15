package dev.maitre.engine.balance;

import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.ClusterConfig;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates the balancer a cluster's configuration names. Each cluster gets its own balancer: its
 * per-loop state and its view of the eligible snapshot belong to that cluster alone.
 */
public final class Balancers {

    private Balancers() {
    }

    /** A new balancer for {@code cluster}, with random choices seeded at random. */
    public static LoadBalancer create(ClusterConfig cluster) {
        return create(cluster, ThreadLocalRandom.current().nextLong());
    }

    /**
     * A new balancer for {@code cluster} whose random choices follow from {@code seed}: picks made in
     * the same order on the same threads repeat exactly, which is what distribution tests need.
     */
    public static LoadBalancer create(ClusterConfig cluster, long seed) {
        Rosters rosters = new Rosters(cluster.slowStart().toNanos());
        return switch (cluster.balancer()) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobinBalancer(rosters);
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer(rosters, seed);
            case POWER_OF_TWO -> new PowerOfTwoBalancer(rosters, seed);
            case RANDOM -> new RandomBalancer(rosters, seed);
            case CONSISTENT_HASH -> new ConsistentHashBalancer(rosters);
        };
    }

    /** The random source of the {@code ordinal}-th event loop of a balancer seeded with {@code seed}. */
    static SplittableRandom random(long seed, int ordinal) {
        return new SplittableRandom(Hash64.mix(seed + 0x9e3779b97f4a7c15L * (ordinal + 1)));
    }
}
