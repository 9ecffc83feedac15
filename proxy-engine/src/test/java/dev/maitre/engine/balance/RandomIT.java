package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.BalancerKind;
import dev.maitre.engine.testing.ProxyFixture;
import org.junit.jupiter.api.Test;

class RandomIT {

    @Test
    void sharesRequestsInProportionToWeights() throws Exception {
        try (Backends backends = Backends.named(2);
             ProxyFixture proxy = ProxyFixture.builder(backends.addresses())
                     .balancer(BalancerKind.RANDOM).weights(3, 1).start()) {
            String answers = Backends.answers(proxy, 400, "/");
            long toA = answers.chars().filter(c -> c == 'a').count();
            // 300 expected; the bounds are more than four standard deviations away
            assertThat(toA).isBetween(260L, 340L);
            assertThat(answers).contains("b");
        }
    }
}
