package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;

/**
 * Smooth weighted round robin, nginx's algorithm: every pick adds each endpoint's weight to its
 * current score, takes the endpoint with the highest score and lowers that score by the total. Over
 * one cycle every endpoint gets exactly its weight's share, spread out (5:1:1 gives a a b a c a a)
 * instead of in bursts. The scores are kept per event loop.
 */
final class WeightedRoundRobinBalancer implements LoadBalancer {

    private static final class Scores {
        Roster roster;
        long[] current;
    }

    private final Rosters rosters;
    private final LoopLocal<Scores> scores = new LoopLocal<>(ordinal -> new Scores());

    WeightedRoundRobinBalancer(Rosters rosters) {
        this.rosters = rosters;
    }

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        Roster roster = rosters.of(eligible, context);
        int size = roster.size();
        if (size == 0) {
            return null;
        }
        Scores loop = scores.get();
        if (loop.roster != roster) {
            loop.roster = roster;
            loop.current = new long[size];
        }
        long[] current = loop.current;
        long now = roster.now(context);
        long total = 0;
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (context.isExcluded(roster.endpoint(i))) {
                continue;
            }
            long weight = roster.weight(i, now);
            current[i] += weight;
            total += weight;
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        current[best] -= total;
        return roster.endpoint(best);
    }

    @Override
    public String toString() {
        return "weighted_round_robin";
    }
}
