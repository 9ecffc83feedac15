package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes the eligible endpoints in turn, skipping those the context excludes. The turn is one counter
 * shared by all event loops: an atomic add per pick buys a rotation that is exact across the whole
 * proxy, which is what users watch round robin for.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        int size = eligible.size();
        if (size == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), size);
        for (int i = 0; i < size; i++) {
            Endpoint candidate = eligible.get((start + i) % size);
            if (!context.isExcluded(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "round_robin";
    }
}
