package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.BalancerKind;
import dev.maitre.engine.testing.ProxyFixture;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinIT {

    @Test
    void spreadsRequestsByWeightWithoutBursts() throws Exception {
        try (Backends backends = Backends.named(3);
             ProxyFixture proxy = ProxyFixture.builder(backends.addresses())
                     .balancer(BalancerKind.WEIGHTED_ROUND_ROBIN).weights(5, 1, 1).workers(1).start()) {
            assertThat(Backends.answers(proxy, 14, "/")).isEqualTo("aabacaa".repeat(2));
        }
    }
}
