package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
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

    @Test
    void requestArrivingInPiecesIsServed() throws Exception {
        try (RawBackend backend = RawBackend.answering("whole");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            String request = "POST /pieces HTTP/1.1\r\nHost: test.local\r\nContent-Length: 6\r\n\r\nabcdef";
            for (int i = 0; i < request.length(); i += 7) {
                client.send(request.substring(i, Math.min(request.length(), i + 7)));
                Thread.sleep(20);
            }
            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("whole");
            assertThat(backend.requests().get(0).bodyText()).isEqualTo("abcdef");
        }
    }

    @Test
    void aBodyOfManyTinyChunksInOneWriteArrivesWhole() throws Exception {
        try (RawBackend backend = RawBackend.answering("counted");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start();
             RawClient client = proxy.client()) {
            int chunks = 20_000;
            StringBuilder request = new StringBuilder("POST /tiny HTTP/1.1\r\nHost: test.local\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < chunks; i++) {
                request.append("1\r\nx\r\n");
            }
            request.append("0\r\n\r\n");
            client.send(request.toString());
            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(backend.requests().get(0).body()).hasSize(chunks);
        }
    }
}
