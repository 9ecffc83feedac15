package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks an endpoint at random with chances in proportion to the weights: one draw and a binary search
 * over the summed weights, or, while a backend ramps up or some are excluded, one pass over the list.
 */
final class RandomBalancer implements LoadBalancer {

    private final Rosters rosters;
    private final LoopLocal<SplittableRandom> randoms;

    RandomBalancer(Rosters rosters, long seed) {
        this.rosters = rosters;
        this.randoms = new LoopLocal<>(ordinal -> Balancers.random(seed, ordinal));
    }

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        Roster roster = rosters.of(eligible, context);
        if (roster.size() == 0) {
            return null;
        }
        SplittableRandom random = randoms.get();
        long now = roster.now(context);
        if (!roster.ramping()) {
            Endpoint drawn = roster.endpoint(roster.indexAt(random.nextLong(roster.totalWeight())));
            if (!context.isExcluded(drawn)) {
                return drawn;
            }
        }
        return pickAmongIncluded(roster, context, random, now);
    }

    private static Endpoint pickAmongIncluded(Roster roster, PickContext context, SplittableRandom random, long now) {
        int size = roster.size();
        long total = 0;
        for (int i = 0; i < size; i++) {
            if (!context.isExcluded(roster.endpoint(i))) {
                total += roster.weight(i, now);
            }
        }
        if (total == 0) {
            return null;
        }
        long point = random.nextLong(total);
        for (int i = 0; i < size; i++) {
            Endpoint candidate = roster.endpoint(i);
            if (context.isExcluded(candidate)) {
                continue;
            }
            point -= roster.weight(i, now);
            if (point < 0) {
                return candidate;
            }
        }
        throw new AssertionError("the draw is below the total weight");
    }

    @Override
    public String toString() {
        return "random";
    }
}
