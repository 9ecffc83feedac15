package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinBalancerTest {

    private static String sequence(LoadBalancer balancer, List<Endpoint> endpoints, int picks) {
        Picks context = new Picks();
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            order.append(Picks.name(endpoints, balancer.pick(endpoints, context)));
        }
        return order.toString();
    }

    @Test
    void spreadsFiveOneOneAsNginxDoes() {
        List<Endpoint> endpoints = Picks.weighted(5, 1, 1);
        assertThat(sequence(Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN), endpoints, 21))
                .isEqualTo("aabacaa".repeat(3));
    }

    @Test
    void neverDriftsAWholeRequestFromAnyEndpointsShare() {
        // the smoothness of the algorithm: after k picks, every endpoint has had k * weight / total
        // picks, give or take less than one; a heavy endpoint never gets ahead in a burst
        for (int[] weights : new int[][] {{5, 1, 1}, {3, 2, 1}, {7, 3, 11, 1}, {100, 1}, {1, 1, 1, 1}}) {
            List<Endpoint> endpoints = Picks.weighted(weights);
            String order = sequence(Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN), endpoints, 5000);
            long total = java.util.Arrays.stream(weights).sum();
            int[] counts = new int[weights.length];
            double worst = 0;
            for (int k = 1; k <= order.length(); k++) {
                counts[order.charAt(k - 1) - 'a']++;
                for (int i = 0; i < weights.length; i++) {
                    worst = Math.max(worst, Math.abs(counts[i] - (double) k * weights[i] / total));
                }
            }
            assertThat(worst).as(java.util.Arrays.toString(weights)).isLessThan(1.0);
        }
    }

    @Test
    void givesEveryEndpointExactlyItsWeightInEachCycle() {
        int[] weights = {7, 3, 11, 1};
        List<Endpoint> endpoints = Picks.weighted(weights);
        String order = sequence(Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN), endpoints, 22 * 50);
        for (int cycle = 0; cycle < 50; cycle++) {
            String one = order.substring(cycle * 22, cycle * 22 + 22);
            for (int i = 0; i < weights.length; i++) {
                char name = (char) ('a' + i);
                assertThat(one.chars().filter(c -> c == name).count()).isEqualTo(weights[i]);
            }
        }
    }

    @Test
    void leavesOutExcludedEndpointsAndKeepsTheOthersInProportion() {
        List<Endpoint> endpoints = Picks.weighted(5, 1, 2);
        LoadBalancer balancer = Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN);
        Picks context = new Picks();
        context.excluded.add(endpoints.get(0));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            order.append(Picks.name(endpoints, balancer.pick(endpoints, context)));
        }
        assertThat(order.chars().filter(c -> c == 'c').count()).isEqualTo(20);
        assertThat(order.chars().filter(c -> c == 'b').count()).isEqualTo(10);
        context.excluded.addAll(endpoints);
        assertThat(balancer.pick(endpoints, context)).isNull();
    }
}
