package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.BalancerKind;
import dev.maitre.engine.testing.ProxyFixture;
import org.junit.jupiter.api.Test;

class RoundRobinIT {

    @Test
    void sendsEachRequestToTheNextBackendInTurn() throws Exception {
        try (Backends backends = Backends.named(3);
             ProxyFixture proxy = ProxyFixture.builder(backends.addresses())
                     .balancer(BalancerKind.ROUND_ROBIN).workers(1).start()) {
            assertThat(Backends.answers(proxy, 9, "/")).isEqualTo("abcabcabc");
        }
    }
}
