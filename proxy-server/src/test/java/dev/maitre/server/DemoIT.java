package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.testing.MaitreProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DemoIT {

    private static final Pattern HELLO = Pattern.compile("hello from demo backend (\\d) \\(127\\.0\\.0\\.1:\\d+\\)\n");

    @Test
    void theDemoAnswersOn8080FromTheThreeBackendsInTurn() throws Exception {
        // The demo's addresses are fixed by the contract; a developer's machine may have something on
        // them, and then this one test is skipped there. CI has them free: there it must run.
        requireFree(8080);
        requireFree(9901);

        try (MaitreProcess maitre = MaitreProcess.start("--demo")) {
            maitre.awaitListening(8080, Duration.ofSeconds(30));
            maitre.awaitStdout("curl http://127.0.0.1:8080/", Duration.ofSeconds(10));

            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
            List<String> servedBy = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                Matcher hello = HELLO.matcher(response.body());
                assertThat(hello.matches()).as(response.body()).isTrue();
                servedBy.add(hello.group(1));
            }

            assertThat(servedBy.subList(0, 3)).as("round robin over three backends: %s", servedBy)
                    .containsExactlyInAnyOrder("1", "2", "3");
            assertThat(servedBy.subList(3, 6)).as("the same turn again: %s", servedBy)
                    .isEqualTo(servedBy.subList(0, 3));

            Matcher stop = Pattern.compile("curl -X POST (http://127\\.0\\.0\\.1:\\d+/demo/stop)").matcher(maitre.output());
            assertThat(stop.find()).as(maitre.output()).isTrue();
            HttpResponse<String> stopped = client.send(HttpRequest.newBuilder(URI.create(stop.group(1)))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stopped.statusCode()).isEqualTo(200);
            Thread.sleep(500);
            List<String> afterStop = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("a stopped backend costs clients nothing").isEqualTo(200);
                Matcher hello = HELLO.matcher(response.body());
                assertThat(hello.matches()).as(response.body()).isTrue();
                afterStop.add(hello.group(1));
            }
            assertThat(afterStop).as("backend 2 stopped: %s", afterStop).doesNotContain("2").contains("1", "3");

            // the demo checks every 2 s and falls after 2 failures: UNHEALTHY within 4.4 s, plus room for a busy machine
            Matcher backend2 = Pattern.compile("backend 2  http://(127\\.0\\.0\\.1:\\d+)/").matcher(maitre.stdout());
            assertThat(backend2.find()).as(maitre.stdout()).isTrue();
            String state = null;
            for (int i = 0; i < 100 && !"UNHEALTHY".equals(state); i++) {
                Thread.sleep(100);
                HttpResponse<String> clusters = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:9901/api/clusters")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(clusters.statusCode()).isEqualTo(200);
                state = stateOf(clusters.body(), backend2.group(1));
            }
            assertThat(state).as("backend 2 in /api/clusters within 10 s").isEqualTo("UNHEALTHY");

            maitre.terminate();
            assertThat(maitre.awaitExit(Duration.ofSeconds(35))).as(maitre.output()).isZero();
            maitre.assertNoLeaks();
        }
    }

    private static String stateOf(String clustersJson, String address) throws IOException {
        for (JsonNode backend : new ObjectMapper().readTree(clustersJson).get("clusters").get(0).get("backends")) {
            if (backend.get("address").asText().equals(address)) {
                return backend.get("state").asText();
            }
        }
        return null;
    }

    private static void requireFree(int port) {
        String message = "127.0.0.1:" + port + " is taken on this machine";
        if (System.getenv("CI") != null) {
            assertThat(isFree(port)).as(message).isTrue();
        } else {
            assumeTrue(isFree(port), message);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
