package dev.maitre.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.WebSocketTestClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoBackendsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void eachBackendNamesItselfOnLoopback() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0, 0, 0))) {
            List<HostPort> addresses = backends.addresses();

            assertThat(addresses).hasSize(3).doesNotHaveDuplicates()
                    .allSatisfy(address -> assertThat(address.host()).isEqualTo("127.0.0.1"));
            for (int i = 0; i < addresses.size(); i++) {
                HttpResponse<String> response = get(addresses.get(i), "/");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body())
                        .isEqualTo("hello from demo backend " + (i + 1) + " (" + addresses.get(i) + ")\n");
            }
        }
    }

    @Test
    void healthzAnswers200() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0))) {
            HttpResponse<String> response = get(backends.addresses().get(0), "/healthz");

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsReplacedByAFreeOne() throws Exception {
        try (DemoBackends first = DemoBackends.start(List.of(0))) {
            int taken = first.addresses().get(0).port();
            try (DemoBackends second = DemoBackends.start(List.of(taken))) {
                assertThat(second.addresses().get(0).port()).isNotEqualTo(taken);
                assertThat(get(second.addresses().get(0), "/").body()).contains("demo backend 1");
            }
        }
    }

    @Test
    void closingStopsEveryBackend() throws Exception {
        DemoBackends backends = DemoBackends.start(List.of(0, 0));
        List<HostPort> addresses = backends.addresses();

        backends.close();

        for (HostPort address : addresses) {
            assertThatThrownBy(() -> get(address, "/")).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void eachBackendEchoesWebSocketMessagesOnWsAndNamesItselfInTheHandshake() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0, 0))) {
            for (int i = 0; i < 2; i++) {
                try (WebSocketTestClient client = WebSocketTestClient.connect(backends.addresses().get(i), "/ws")) {
                    assertThat(client.handshakeStatus()).isEqualTo(101);
                    assertThat(client.handshakeHeaders().get("X-Demo-Backend")).isEqualTo(String.valueOf(i + 1));

                    client.sendText("hello, backend");
                    assertThat(client.awaitText(WAIT)).isEqualTo("hello, backend");
                    client.sendBinary(new byte[] {0, 1, 2, (byte) 255});
                    assertThat(client.awaitBinary(WAIT)).containsExactly(0, 1, 2, 255);
                    client.sendPing(new byte[] {7});
                    assertThat(client.awaitPong(WAIT)).containsExactly(7);

                    assertThat(client.closeHandshake(1000, "bye", WAIT))
                            .isEqualTo(new WebSocketTestClient.CloseStatus(1000, "bye"));
                }
            }
        }
    }

    @Test
    void aPlainRequestForWsIsToldToUpgrade() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0))) {
            HttpResponse<String> response = get(backends.addresses().get(0), "/ws");

            assertThat(response.statusCode()).isEqualTo(426);
            assertThat(response.body()).contains("WebSocket");
        }
    }

    @Test
    void stoppingABackendEndsItsWebSocketsAndItsListening() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0))) {
            HostPort address = backends.addresses().get(0);
            try (WebSocketTestClient webSocket = WebSocketTestClient.connect(address, "/ws")) {
                HttpResponse<String> stopped = client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/demo/stop"))
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(stopped.body()).isEqualTo("demo backend 1 stops listening\n");
                assertThat(webSocket.awaitConnectionEnd(WAIT).abrupt()).isTrue();
                assertThatThrownBy(() -> get(address, "/")).isInstanceOf(ConnectException.class);
            }
        }
    }

    @Test
    void aRequestBodyIsReadAndTheConnectionKeptAlive() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0));
                RawClient client = new RawClient(socketAddress(backends.addresses().get(0)))) {
            String body = "x".repeat(200_000);
            client.send("POST /upload HTTP/1.1\r\nHost: demo\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(client.response().status()).isEqualTo(200);

            assertThat(client.get("/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatExpects100ContinueIsToldToGoOn() throws Exception {
        try (DemoBackends backends = DemoBackends.start(List.of(0));
                RawClient client = new RawClient(socketAddress(backends.addresses().get(0)))) {
            client.send("POST /upload HTTP/1.1\r\nHost: demo\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(client.response().status()).isEqualTo(100);

            client.send("hello");
            assertThat(client.response().status()).isEqualTo(200);
        }
    }

    private static InetSocketAddress socketAddress(HostPort address) {
        return new InetSocketAddress(address.host(), address.port());
    }

    private HttpResponse<String> get(HostPort address, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
