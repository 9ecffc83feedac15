package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadAwareBalancersTest {

    @Test
    void leastConnectionsTakesTheEndpointWithTheFewestActiveRequestsForItsWeight() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.LEAST_CONNECTIONS);
        List<Endpoint> endpoints = Picks.weighted(1, 1, 4);
        Picks context = new Picks();
        context.active.put(endpoints.get(0), 2);
        context.active.put(endpoints.get(1), 1);
        context.active.put(endpoints.get(2), 5);
        // loads 2/1, 1/1 and 5/4: b is the least loaded
        for (int i = 0; i < 100; i++) {
            assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(1));
        }
        context.active.put(endpoints.get(2), 3);
        // 3/4 < 1/1
        assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(2));
    }

    @Test
    void leastConnectionsBreaksTiesAtRandomByWeight() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.LEAST_CONNECTIONS);
        List<Endpoint> endpoints = Picks.weighted(1, 1, 2);
        Picks context = new Picks();
        int[] counts = new int[3];
        for (int i = 0; i < 40_000; i++) {
            counts[endpoints.indexOf(balancer.pick(endpoints, context))]++;
        }
        assertThat(counts[0]).isBetween(9_500, 10_500);
        assertThat(counts[1]).isBetween(9_500, 10_500);
        assertThat(counts[2]).isBetween(19_500, 20_500);
    }

    @Test
    void powerOfTwoNeverPicksTheMoreLoadedOfTwo() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.POWER_OF_TWO);
        List<Endpoint> endpoints = Picks.endpoints(2);
        Picks context = new Picks();
        context.active.put(endpoints.get(0), 3);
        for (int i = 0; i < 100; i++) {
            assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(1));
        }
    }

    @Test
    void powerOfTwoNeverPicksTheMostLoadedOfThree() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.POWER_OF_TWO);
        List<Endpoint> endpoints = Picks.endpoints(3);
        Picks context = new Picks();
        context.active.put(endpoints.get(0), 1);
        context.active.put(endpoints.get(1), 2);
        context.active.put(endpoints.get(2), 9);
        int[] counts = new int[3];
        for (int i = 0; i < 3000; i++) {
            counts[endpoints.indexOf(balancer.pick(endpoints, context))]++;
        }
        assertThat(counts[2]).isZero();
        // a wins both pairs it is drawn in (2/3 of draws), b only the pair with c
        assertThat(counts[0]).isBetween(1800, 2200);
    }

    @Test
    void randomSharesInProportionToWeights() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.RANDOM);
        List<Endpoint> endpoints = Picks.weighted(1, 3, 6);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++) {
            counts[endpoints.indexOf(balancer.pick(endpoints, new Picks()))]++;
        }
        assertThat(counts[0]).isBetween(9_500, 10_500);
        assertThat(counts[1]).isBetween(29_000, 31_000);
        assertThat(counts[2]).isBetween(59_000, 61_000);
    }

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void picksOnlyWhatIsNotExcludedAndNothingWhenAllAre(BalancerKind kind) {
        LoadBalancer balancer = Picks.balancer(kind);
        List<Endpoint> endpoints = Picks.weighted(3, 1, 2, 5);
        Picks context = new Picks();
        context.excluded.addAll(List.of(endpoints.get(0), endpoints.get(2), endpoints.get(3)));
        for (int key = 0; key < 200; key++) {
            context.key = key;
            assertThat(balancer.pick(endpoints, context)).isEqualTo(endpoints.get(1));
        }
        context.excluded.add(endpoints.get(1));
        assertThat(balancer.pick(endpoints, context)).isNull();
        assertThat(balancer.pick(List.of(), new Picks())).isNull();
    }

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void picksTheOnlyEndpoint(BalancerKind kind) {
        LoadBalancer balancer = Picks.balancer(kind);
        List<Endpoint> endpoints = Picks.endpoints(1);
        assertThat(balancer.pick(endpoints, new Picks())).isEqualTo(endpoints.get(0));
    }
}
