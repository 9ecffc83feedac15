package dev.maitre.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoBackendsTest {

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

    private HttpResponse<String> get(HostPort address, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
