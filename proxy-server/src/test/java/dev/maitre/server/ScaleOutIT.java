package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.testing.MaitreProcess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several maitre instances behind an L4 balancer share nothing: each checks the backends on its own and
 * builds its own consistent-hash table. Two packaged jars, whose configurations list the same backends
 * (the second in reverse order, as two DNS answers may), must send every key to the same backend, and
 * still do once a backend has failed and each instance has taken it out on its own. (That the table does
 * not depend on the order of the backends is pinned key by key in {@code ConsistentHashBalancerTest}.)
 */
@Timeout(120)
class ScaleOutIT {

    private static final int BACKENDS = 5;
    private static final int KEYS = 300;

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final List<HttpServer> backends = new ArrayList<>();
    private final List<MaitreProcess> instances = new ArrayList<>();
    private final List<Integer> adminPorts = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        try {
            for (MaitreProcess instance : instances) {
                instance.close();
            }
        } finally {
            backends.forEach(backend -> backend.stop(0));
        }
    }

    @Test
    void twoInstancesSendEachKeyToTheSameBackendBeforeAndAfterABackendFails() throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < BACKENDS; i++) {
            HttpServer backend = backend("b" + i);
            backends.add(backend);
            ports.add(backend.getAddress().getPort());
        }
        List<Integer> reversed = new ArrayList<>(ports);
        java.util.Collections.reverse(reversed);
        int first = start("first.yaml", ports);
        int second = start("second.yaml", reversed);

        List<String> viaFirst = answers(first);
        List<String> viaSecond = answers(second);
        assertThat(viaSecond).isEqualTo(viaFirst);
        assertThat(Set.copyOf(viaFirst)).as("the keys are spread over the backends").hasSize(BACKENDS);

        int failed = ports.get(2);
        backends.get(2).stop(0);
        // each instance finds out on its own, by its own checks; until then its retries send the failed
        // backend's keys to the next slot of its table, which is not where they settle
        for (int admin : adminPorts) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> state(admin, "127.0.0.1:" + failed), "UNHEALTHY"::equals);
        }
        List<String> firstAfter = answers(first);
        List<String> secondAfter = answers(second);
        assertThat(firstAfter).doesNotContain("b2", "error");
        assertThat(secondAfter).isEqualTo(firstAfter);
        // Maglev moves the failed backend's keys and few others (a few percent of the table's slots)
        long movedOthers = java.util.stream.IntStream.range(0, KEYS)
                .filter(key -> !viaFirst.get(key).equals("b2") && !firstAfter.get(key).equals(viaFirst.get(key)))
                .count();
        assertThat(movedOthers).as("keys moved that were not on the failed backend").isLessThanOrEqualTo(KEYS / 20);
        assertThat(new HashSet<>(firstAfter)).hasSize(BACKENDS - 1);
    }

    private int start(String file, List<Integer> backendPorts) throws Exception {
        String backendList = backendPorts.stream()
                .map(port -> "      - address: 127.0.0.1:" + port + "\n        weight: " + weight(port))
                .collect(Collectors.joining("\n"));
        String yaml = """
                admin:
                  bind: 127.0.0.1:0
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    balancer: consistent_hash
                    hashOn: header:X-User
                    retries: { attempts: 2 }
                    healthCheck:
                      protocol: http
                      path: /
                      interval: 500ms
                      timeout: 300ms
                      unhealthyThreshold: 2
                      healthyThreshold: 2
                      jitter: 0%%
                    backends:
                %s
                """.formatted(backendList);
        MaitreProcess maitre = MaitreProcess.start("--config", ConfigFiles.write(dir, file, yaml).toString());
        instances.add(maitre);
        int port = maitre.awaitListenerPort("web", Duration.ofSeconds(30));
        adminPorts.add(maitre.awaitAdminPort(Duration.ofSeconds(30)));
        maitre.awaitStdout("started in", Duration.ofSeconds(30));
        return port;
    }

    /** Unequal weights, the same for a backend in both lists: the case where the order of turns shows most. */
    private int weight(int port) {
        int index = backends.stream().map(b -> b.getAddress().getPort()).toList().indexOf(port);
        return 1 + index % 3;
    }

    /** The backend that answered each key, through the instance listening on {@code port}. */
    private List<String> answers(int port) throws Exception {
        List<String> names = new ArrayList<>(KEYS);
        for (int key = 0; key < KEYS; key++) {
            HttpResponse<String> answer = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .header("X-User", "user-" + key).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            names.add(answer.statusCode() == 200 ? answer.body() : "error");
        }
        return names;
    }

    /** The state of backend {@code address} as the instance whose admin API is on {@code adminPort} sees it. */
    private String state(int adminPort, String address) throws Exception {
        String json = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/clusters"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode backend : new ObjectMapper().readTree(json).path("clusters").path(0).path("backends")) {
            if (backend.path("address").asText().equals(address)) {
                return backend.path("state").asText();
            }
        }
        return "absent";
    }

    private static HttpServer backend(String name) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        http.createContext("/", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.getRequestBody().readAllBytes();
                byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                out.write(bytes);
            }
        });
        http.start();
        return http;
    }
}
