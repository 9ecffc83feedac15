package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the endpoint with the fewest active requests for its weight (active / weight, compared
 * without division); among equals, one at random with chances in proportion to their weights, so
 * that an idle cluster is still shared by weight.
 */
final class LeastConnectionsBalancer implements LoadBalancer {

    private final Rosters rosters;
    private final LoopLocal<SplittableRandom> randoms;

    LeastConnectionsBalancer(Rosters rosters, long seed) {
        this.rosters = rosters;
        this.randoms = new LoopLocal<>(ordinal -> Balancers.random(seed, ordinal));
    }

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        Roster roster = rosters.of(eligible, context);
        int size = roster.size();
        long now = roster.now(context);
        SplittableRandom random = null;
        int best = -1;
        long bestActive = 0;
        long bestWeight = 1;
        long tiedWeight = 0;
        for (int i = 0; i < size; i++) {
            Endpoint candidate = roster.endpoint(i);
            if (context.isExcluded(candidate)) {
                continue;
            }
            long active = context.activeRequests(candidate);
            long weight = roster.weight(i, now);
            long order = best < 0 ? -1 : active * bestWeight - bestActive * weight;
            if (order < 0) {
                best = i;
                bestActive = active;
                bestWeight = weight;
                tiedWeight = weight;
            } else if (order == 0) {
                // weighted reservoir sampling among the tied: each ends up chosen with weight / tiedWeight
                tiedWeight += weight;
                if (random == null) {
                    random = randoms.get();
                }
                if (random.nextLong(tiedWeight) < weight) {
                    best = i;
                    bestActive = active;
                    bestWeight = weight;
                }
            }
        }
        return best < 0 ? null : roster.endpoint(best);
    }

    @Override
    public String toString() {
        return "least_connections";
    }
}
