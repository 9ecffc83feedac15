package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.config.BalancerKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Slow start on virtual time: the share of a backend that just became eligible, moment by moment. */
class SlowStartTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final long SECOND = 1_000_000_000L;

    private final List<Endpoint> before = Picks.endpoints(2);
    private final List<Endpoint> after = Picks.endpoints(3);
    private final Endpoint newcomer = after.get(2);

    /** The share of picks the newcomer gets at virtual time {@code atSecond}, over {@code picks} picks. */
    private double newcomerShare(LoadBalancer balancer, Picks context, long atSecond, int picks) {
        context.nanos = atSecond * SECOND;
        int count = 0;
        for (int i = 0; i < picks; i++) {
            if (newcomer.equals(balancer.pick(after, context))) {
                count++;
            }
        }
        return (double) count / picks;
    }

    /** The share of one of three weight-1 backends when its weight is {@code fraction} of full. */
    private static double expected(double fraction) {
        return fraction / (2 + fraction);
    }

    @Test
    void rampsANewBackendFromATenthToItsFullWeightLinearly() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN, WINDOW);
        Picks context = new Picks();
        context.nanos = 1000 * SECOND;
        balancer.pick(before, context);
        context.nanos = 2000 * SECOND;
        assertThat(newcomerShare(balancer, context, 2000, 2100)).isCloseTo(expected(0.1), offset(0.001));
        assertThat(newcomerShare(balancer, context, 2010, 2100)).isCloseTo(expected(0.4), offset(0.002));
        assertThat(newcomerShare(balancer, context, 2015, 2100)).isCloseTo(expected(0.55), offset(0.002));
        assertThat(newcomerShare(balancer, context, 2029, 2100)).isCloseTo(expected(0.97), offset(0.002));
        assertThat(newcomerShare(balancer, context, 2030, 3000)).isCloseTo(1.0 / 3, offset(0.001));
        assertThat(newcomerShare(balancer, context, 5000, 3000)).isCloseTo(1.0 / 3, offset(0.001));
    }

    @Test
    void doesNotRampTheBackendsEligibleFromTheStart() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN, WINDOW);
        Picks context = new Picks();
        assertThat(newcomerShare(balancer, context, 0, 3000)).isCloseTo(1.0 / 3, offset(0.001));
    }

    @Test
    void rampsABackendAgainWhenItComesBack() {
        LoadBalancer balancer = Picks.balancer(BalancerKind.WEIGHTED_ROUND_ROBIN, WINDOW);
        Picks context = new Picks();
        assertThat(newcomerShare(balancer, context, 0, 3000)).isCloseTo(1.0 / 3, offset(0.001));
        context.nanos = 100 * SECOND;
        balancer.pick(before, context);
        assertThat(newcomerShare(balancer, context, 200, 2100)).isCloseTo(expected(0.1), offset(0.001));
    }

    @ParameterizedTest
    @EnumSource(value = BalancerKind.class, names = {"LEAST_CONNECTIONS", "POWER_OF_TWO", "RANDOM"})
    void rampsUnderTheOtherWeightedBalancersToo(BalancerKind kind) {
        LoadBalancer balancer = Picks.balancer(kind, WINDOW);
        Picks context = new Picks();
        balancer.pick(before, context);
        double early = newcomerShare(balancer, context, 0, 20_000);
        double late = newcomerShare(balancer, context, 30, 20_000);
        System.out.printf("slow start under %s: newcomer's share %.1f%% at once, %.1f%% after the window%n",
                kind.configName(), early * 100, late * 100);
        assertThat(early).isLessThan(0.15);
        assertThat(late).isGreaterThan(0.25);
    }
}
