package dev.maitre.engine.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.BalancerKind;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class PowerOfTwoIT {

    @Test
    void sendsNewRequestsAwayFromTheBackendStillBusyWithOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend slow = HeldRequest.holding(release);
             RawBackend fast = RawBackend.answering("fast");
             ProxyFixture proxy = ProxyFixture.builder(slow.address(), fast.address())
                     .balancer(BalancerKind.POWER_OF_TWO).start()) {
            try (RawClient held = HeldRequest.sendUntilHeld(proxy, slow)) {
                assertThat(Backends.answers(proxy, 20, "/next")).isEqualTo("fast".repeat(20));
                release.countDown();
                assertThat(held.response().bodyText()).isEqualTo("slow");
            }
            assertThat(slow.requests()).hasSize(1);
        } finally {
            release.countDown();
        }
    }
}
