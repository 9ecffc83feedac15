package dev.maitre.engine.tcp;

import static dev.maitre.engine.tcp.TcpRelayIT.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which backend a new tcp connection goes to, and what happens when none can take it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpBackendChoiceIT {

    @Test
    void newConnectionsGoRoundTheBackends() throws Exception {
        try (RawBackend a = TcpPeers.named("a");
             RawBackend b = TcpPeers.named("b");
             RawBackend c = TcpPeers.named("c");
             ProxyFixture proxy = ProxyFixture.builder(a.address(), b.address(), c.address()).tcp().start()) {
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                try (RawClient client = proxy.client()) {
                    served.add(TcpPeers.readAllText(client.input()));
                }
            }

            assertThat(served.subList(0, 3)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(served.subList(3, 6)).isEqualTo(served.subList(0, 3));
        }
    }

    @Test
    void refusedConnectIsRetriedOnAnotherBackend() throws Exception {
        HostPort refusing = Ports.refusing();
        try (RawBackend good = TcpPeers.named("good");
             ProxyFixture proxy = ProxyFixture.builder(refusing, good.address()).tcp().start()) {
            for (int i = 0; i < 2; i++) {
                try (RawClient client = proxy.client()) {
                    assertThat(TcpPeers.readAllText(client.input())).isEqualTo("good");
                }
            }

            waitUntil(() -> proxy.outcomes().stream().filter(o -> o.kind() == Outcome.Kind.RESPONSE).count() == 2);
            assertThat(proxy.outcomes())
                    .filteredOn(o -> o.endpoint().address().equals(refusing))
                    .extracting(Outcome::kind).isNotEmpty().containsOnly(Outcome.Kind.CONNECT_FAILURE);
            assertThat(proxy.outcomes())
                    .filteredOn(o -> o.endpoint().address().equals(good.address()))
                    .extracting(Outcome::kind).containsExactly(Outcome.Kind.RESPONSE, Outcome.Kind.RESPONSE);
        }
    }

    @Test
    void aReloadedClusterTakesEffectForNewConnections() throws Exception {
        HostPort refusing = Ports.refusing();
        try (RawBackend good = TcpPeers.named("good");
             ProxyFixture proxy = ProxyFixture.builder(refusing, good.address()).tcp().retries(0).start()) {
            // Without retries, round robin sends one connection of every two to the refusing backend.
            int closedUnserved = 0;
            for (int i = 0; i < 2; i++) {
                try (RawClient client = proxy.client()) {
                    if (!servedText(client).equals("good")) {
                        closedUnserved++;
                    }
                }
            }
            assertThat(closedUnserved).isEqualTo(1);

            proxy.engine().reload(ProxyFixture.builder(refusing, good.address()).tcp().retries(1).config());

            for (int i = 0; i < 4; i++) {
                try (RawClient client = proxy.client()) {
                    assertThat(servedText(client)).isEqualTo("good");
                }
            }
        }
    }

    /** What the backend sent, or "" when the proxy closed or reset the connection without a backend. */
    private static String servedText(RawClient client) {
        try {
            return TcpPeers.readAllText(client.input());
        } catch (IOException closedWithReset) {
            return "";
        }
    }

    @Test
    void clientIsClosedWhenEveryBackendRefuses() throws Exception {
        HostPort first = Ports.refusing();
        HostPort second = Ports.refusing();
        try (ProxyFixture proxy = ProxyFixture.builder(first, second).tcp().retries(2).start();
             RawClient client = proxy.client()) {
            assertThat(client.isClosedByPeer(5000)).isTrue();

            waitUntil(() -> proxy.outcomes().size() == 2);
            assertThat(proxy.outcomes()).extracting(Outcome::kind)
                    .containsExactly(Outcome.Kind.CONNECT_FAILURE, Outcome.Kind.CONNECT_FAILURE);
            assertThat(proxy.outcomes()).extracting(o -> o.endpoint().address())
                    .containsExactlyInAnyOrder(first, second);
        }
    }

    @Test
    void clientIsClosedWhenNoBackendIsEligible() throws Exception {
        try (RawBackend backend = TcpPeers.named("unused");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp().health(cluster -> List.of()).start();
             RawClient client = proxy.client()) {
            assertThat(client.isClosedByPeer(5000)).isTrue();

            waitUntil(() -> !proxy.outcomes().isEmpty());
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.NO_BACKEND);
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }
}
