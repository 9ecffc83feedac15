package dev.maitre.engine.balance;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HashOn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A pick context whose load, key, clock and exclusions a test sets, and helpers to make balancers and endpoints. */
final class Picks implements PickContext {

    static final long SEED = 42;

    final Map<Endpoint, Integer> active = new HashMap<>();
    final Set<Endpoint> excluded = new HashSet<>();
    long key;
    long nanos;

    static LoadBalancer balancer(BalancerKind kind) {
        return balancer(kind, Duration.ZERO);
    }

    static LoadBalancer balancer(BalancerKind kind, Duration slowStart) {
        ClusterConfig cluster = ClusterConfig.of("c", List.of(BackendConfig.of(new HostPort("127.0.0.1", 1))))
                .withBalancing(kind, HashOn.CLIENT_IP, slowStart);
        return Balancers.create(cluster, SEED);
    }

    /** Endpoints named a, b, c... (ports 1, 2, 3...) with the given weights. */
    static List<Endpoint> weighted(int... weights) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            endpoints.add(endpoint(i, weights[i]));
        }
        return List.copyOf(endpoints);
    }

    static List<Endpoint> endpoints(int count) {
        int[] weights = new int[count];
        java.util.Arrays.fill(weights, 1);
        return weighted(weights);
    }

    static Endpoint endpoint(int index, int weight) {
        return new Endpoint(new BackendId("c", new HostPort("10.0." + index / 250 + "." + index % 250, 8080)), weight);
    }

    /** The name of an endpoint made by {@link #weighted}: a, b, c... */
    static String name(List<Endpoint> endpoints, Endpoint endpoint) {
        return endpoint == null ? "-" : String.valueOf((char) ('a' + endpoints.indexOf(endpoint)));
    }

    @Override
    public boolean isExcluded(Endpoint endpoint) {
        return excluded.contains(endpoint);
    }

    @Override
    public int activeRequests(Endpoint endpoint) {
        return active.getOrDefault(endpoint, 0);
    }

    @Override
    public long hashKey() {
        return key;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }
}
