package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    @Test
    void takesEachEndpointInTurnExactly() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.ROUND_ROBIN);
        List<Endpoint> endpoints = Picks.endpoints(3);
        Picks context = new Picks();
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            order.append(Picks.name(endpoints, balancer.pick(endpoints, context)));
        }
        assertThat(order).hasToString("abcabcabc");
    }

    @Test
    void ignoresWeights() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.ROUND_ROBIN);
        List<Endpoint> endpoints = Picks.weighted(5, 1, 1);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(Picks.name(endpoints, balancer.pick(endpoints, new Picks())));
        }
        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void skipsAnExcludedEndpointToTheNextOne() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.ROUND_ROBIN);
        List<Endpoint> endpoints = Picks.endpoints(3);
        Picks context = new Picks();
        context.excluded.add(endpoints.get(0));
        assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(1));
        assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(1));
        assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(2));
    }
}
