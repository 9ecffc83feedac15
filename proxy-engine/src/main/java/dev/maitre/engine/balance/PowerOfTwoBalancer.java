package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Power of two choices: draws two different endpoints at random and takes the one with the lower load,
 * (active requests + 1) / weight. Nearly as good as scanning every endpoint for the least loaded, at a
 * cost that does not grow with the cluster, and without sending every new request to the same
 * momentarily idlest backend.
 */
final class PowerOfTwoBalancer implements LoadBalancer {

    /** Random draws that may hit an excluded endpoint before the pick falls back to a scan. */
    private static final int DRAWS = 3;

    private final Rosters rosters;
    private final LoopLocal<SplittableRandom> randoms;

    PowerOfTwoBalancer(Rosters rosters, long seed) {
        this.rosters = rosters;
        this.randoms = new LoopLocal<>(ordinal -> Balancers.random(seed, ordinal));
    }

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        Roster roster = rosters.of(eligible, context);
        SplittableRandom random = randoms.get();
        int first = draw(roster, context, random, -1);
        if (first < 0) {
            return null;
        }
        int second = draw(roster, context, random, first);
        if (second < 0) {
            return roster.endpoint(first);
        }
        long now = roster.now(context);
        long firstLoad = context.activeRequests(roster.endpoint(first)) + 1L;
        long secondLoad = context.activeRequests(roster.endpoint(second)) + 1L;
        // firstLoad / firstWeight <= secondLoad / secondWeight, without division
        boolean firstWins = firstLoad * roster.weight(second, now) <= secondLoad * roster.weight(first, now);
        return roster.endpoint(firstWins ? first : second);
    }

    /** A random index other than {@code other} whose endpoint is not excluded, or -1 when there is none. */
    private static int draw(Roster roster, PickContext context, SplittableRandom random, int other) {
        int size = roster.size();
        int choices = other < 0 ? size : size - 1;
        if (choices <= 0) {
            return -1;
        }
        for (int i = 0; i < DRAWS; i++) {
            int index = random.nextInt(choices);
            if (other >= 0 && index >= other) {
                index++;
            }
            if (!context.isExcluded(roster.endpoint(index))) {
                return index;
            }
        }
        int start = random.nextInt(size);
        for (int i = 0; i < size; i++) {
            int index = (start + i) % size;
            if (index != other && !context.isExcluded(roster.endpoint(index))) {
                return index;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "power_of_two";
    }
}
