package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;

/**
 * Takes the eligible endpoints in turn, skipping those the context excludes. Each event loop keeps its
 * own turn (loops start one apart), so loops never contend for a counter; each loop's sequence is
 * exact, and so is the share of every endpoint up to one request per loop.
 */
final class RoundRobinBalancer implements LoadBalancer {

    private static final class Turn {
        int next;

        Turn(int ordinal) {
            this.next = ordinal;
        }
    }

    private final LoopLocal<Turn> turns = new LoopLocal<>(Turn::new);

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        int size = eligible.size();
        if (size == 0) {
            return null;
        }
        Turn turn = turns.get();
        int start = Math.floorMod(turn.next++, size);
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
