package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.testing.HttpMessage;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.engine.testing.RawBackend;
import dev.maitre.engine.testing.RawClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyBasicsIT {

    @Test
    void getIsAnsweredInTurnByEachBackend() throws Exception {
        try (RawBackend a = RawBackend.answering("a");
             RawBackend b = RawBackend.answering("b");
             RawBackend c = RawBackend.answering("c");
             ProxyFixture proxy = ProxyFixture.builder(a.address(), b.address(), c.address()).workers(1).start();
             RawClient client = proxy.client()) {
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpMessage response = client.get("/");
                assertThat(response.status()).isEqualTo(200);
                bodies.add(response.bodyText());
            }
            assertThat(bodies).containsExactly("a", "b", "c", "a", "b", "c");
        }
    }

    @Test
    void keepAliveBackendConnectionsAreReused() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("/x").bodyText()).isEqualTo("ok");
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            assertThat(backend.requests()).hasSize(20);
        }
    }
}
