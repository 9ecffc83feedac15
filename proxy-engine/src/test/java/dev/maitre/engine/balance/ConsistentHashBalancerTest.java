package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistentHashBalancerTest {

    private static final int KEYS = 100_000;
    /** What Maglev moves beyond the leaving endpoint's own keys. */
    private static final double EPSILON = 0.02;

    private static Endpoint[] assign(LoadBalancer balancer, List<Endpoint> endpoints) {
        Picks context = new Picks();
        Endpoint[] chosen = new Endpoint[KEYS];
        for (int key = 0; key < KEYS; key++) {
            context.key = key;
            chosen[key] = balancer.pick(endpoints, context);
        }
        return chosen;
    }

    private static double moved(Endpoint[] before, Endpoint[] after) {
        int moved = 0;
        for (int key = 0; key < KEYS; key++) {
            if (!before[key].equals(after[key])) {
                moved++;
            }
        }
        return (double) moved / KEYS;
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 10, 50, 200})
    void movesAboutTheLeavingEndpointsShareOfKeysAndNoMore(int n) {
        LoadBalancer balancer = Picks.balancer(BalancerKind.CONSISTENT_HASH);
        List<Endpoint> all = Picks.endpoints(n);
        Endpoint[] before = assign(balancer, all);
        List<Endpoint> withoutOne = new ArrayList<>(all);
        Endpoint leaving = withoutOne.remove(n / 2);
        Endpoint[] after = assign(balancer, List.copyOf(withoutOne));

        double moved = moved(before, after);
        System.out.printf("consistent_hash: %d endpoints, one leaves: %.2f%% of keys moved (1/N = %.2f%%)%n",
                n, moved * 100, 100.0 / n);
        assertThat(moved).isLessThanOrEqualTo(1.0 / n + EPSILON);
        for (int key = 0; key < KEYS; key++) {
            if (before[key].equals(leaving)) {
                assertThat(after[key]).isNotEqualTo(leaving);
            }
        }
        // and back: the endpoint that returns takes about its share again
        assertThat(moved(before, assign(balancer, all))).isZero();
    }

    @Test
    void movesNoKeyWhenNothingChanges() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.CONSISTENT_HASH);
        List<Endpoint> endpoints = Picks.endpoints(10);
        Endpoint[] first = assign(balancer, endpoints);
        assertThat(moved(first, assign(balancer, endpoints))).isZero();
        // a new but equal snapshot, and a new balancer (a restart): the same keys on the same endpoints
        assertThat(moved(first, assign(balancer, List.copyOf(new ArrayList<>(endpoints))))).isZero();
        assertThat(moved(first, assign(Picks.balancer(BalancerKind.CONSISTENT_HASH), endpoints))).isZero();
    }

    @Test
    void mapsKeysTheSameWhateverTheOrderOfTheEndpoints() {
        // two instances whose configurations (or DNS answers) list the same backends in another order
        List<Endpoint> endpoints = Picks.weighted(1, 1, 2, 4, 1);
        List<Endpoint> reversed = new ArrayList<>(endpoints);
        java.util.Collections.reverse(reversed);
        List<Endpoint> rotated = new ArrayList<>(endpoints);
        java.util.Collections.rotate(rotated, 2);
        Endpoint[] first = assign(Picks.balancer(BalancerKind.CONSISTENT_HASH), endpoints);
        assertThat(moved(first, assign(Picks.balancer(BalancerKind.CONSISTENT_HASH), List.copyOf(reversed)))).isZero();
        assertThat(moved(first, assign(Picks.balancer(BalancerKind.CONSISTENT_HASH), List.copyOf(rotated)))).isZero();
    }

    @Test
    void sharesKeysEvenlyAndInProportionToWeights() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.CONSISTENT_HASH);
        List<Endpoint> endpoints = Picks.weighted(1, 1, 2, 4);
        Endpoint[] chosen = assign(balancer, endpoints);
        int[] counts = new int[4];
        for (Endpoint endpoint : chosen) {
            counts[endpoints.indexOf(endpoint)]++;
        }
        assertThat(counts[0]).isCloseTo(KEYS / 8, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(counts[1]).isCloseTo(KEYS / 8, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(counts[2]).isCloseTo(KEYS / 4, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(counts[3]).isCloseTo(KEYS / 2, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void sendsAKeyWhoseEndpointWasTriedToAnotherOneEveryTime() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.CONSISTENT_HASH);
        List<Endpoint> endpoints = Picks.endpoints(5);
        Picks context = new Picks();
        context.key = 12345;
        Endpoint first = balancer.pick(endpoints, context);
        context.excluded.add(first);
        Endpoint second = balancer.pick(endpoints, context);
        assertThat(second).isNotEqualTo(first).isEqualTo(balancer.pick(endpoints, context));
        context.excluded.addAll(endpoints);
        assertThat(balancer.pick(endpoints, context)).isNull();
    }
}
