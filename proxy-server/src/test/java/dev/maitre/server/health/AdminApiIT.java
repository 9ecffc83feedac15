package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.testing.Configs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin API of DESIGN.md §4 as a client sees it: JSON shapes, commands and error answers. */
@Timeout(60)
class AdminApiIT {

    private static final String ISO_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

    private TestBackend one;
    private TestBackend two;
    private RunningMaitre maitre;

    @BeforeEach
    void start() throws Exception {
        one = TestBackend.start("one");
        two = TestBackend.start("two");
        maitre = RunningMaitre.start(RunningMaitre.cluster(
                Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null, one, two));
    }

    @AfterEach
    void stop() {
        if (maitre != null) {
            maitre.close();
        }
        one.close();
        two.close();
    }

    /**
     * The page as served, without a browser. DashboardIT renders it in Chromium, which a developer's
     * machine may lack (it is then skipped there); this check runs everywhere.
     */
    @Test
    void theDashboardPageIsServedAtTheRootAndReadsTheAdminApi() throws Exception {
        HttpResponse<String> response = maitre.admin("GET", "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).contains("<title>maitre", "api(\"/api/clusters\")",
                "api(\"/api/events\")", "api(\"/metrics\")", "\"drain\"", "\"enable\"",
                "\"X-Maitre-Admin\": \"1\"");
    }

    @Test
    void clustersListsEveryBackendWithItsHealthAndRequestsInFlight() throws Exception {
        awaitLastCheck(one);
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return maitre.get("/slow");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // round robin: the first request goes to the first backend
        assertThat(one.awaitSlowRequest(10)).as("the slow request reached backend one").isTrue();

        HttpResponse<String> response = maitre.admin("GET", "/api/clusters");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode cluster = RunningMaitre.json(response.body()).get("clusters").get(0);
        assertThat(cluster.get("name").asText()).isEqualTo("app");
        assertThat(cluster.get("balancer").asText()).isEqualTo("round_robin");
        assertThat(cluster.get("activelyChecked").asBoolean()).isTrue();
        assertThat(cluster.get("panic").asBoolean()).isFalse();
        assertThat(cluster.get("backends")).hasSize(2);
        JsonNode busy = cluster.get("backends").get(0);
        assertThat(busy.get("address").asText()).isEqualTo(one.address().toString());
        assertThat(busy.get("weight").asInt()).isEqualTo(1);
        assertThat(busy.get("state").asText()).isEqualTo("HEALTHY");
        assertThat(busy.get("activeRequests").asInt()).as("the slow request in flight").isEqualTo(1);
        assertThat(busy.get("eligible").asBoolean()).isTrue();
        assertThat(busy.get("ejected").asBoolean()).isFalse();
        assertThat(busy.get("ejectedUntil").isNull()).isTrue();
        assertThat(busy.get("consecutiveFailures").asInt()).isZero();
        assertThat(busy.get("consecutiveSuccesses").asInt()).isPositive();
        JsonNode lastCheck = busy.get("lastCheck");
        assertThat(lastCheck.get("time").asText()).matches(ISO_TIME);
        assertThat(lastCheck.get("result").asText()).isEqualTo("ok");
        assertThat(lastCheck.get("reason").asText()).isEqualTo("status 200");
        assertThat(lastCheck.get("latencyMs").isNumber()).isTrue();
        assertThat(cluster.get("backends").get(1).get("activeRequests").asInt()).isZero();

        one.releaseSlow();
        assertThat(slow.get().statusCode()).isEqualTo(200);
        assertThat(maitre.backend(one.address()).get("activeRequests").asInt()).as("after the answer").isZero();
    }

    @Test
    void drainAndEnableAnswerWithTheBackendsNewViewAndAreRecordedAsEvents() throws Exception {
        String backend = "/api/clusters/app/backends/" + two.address();

        HttpResponse<String> drained = maitre.admin("POST", backend + "/drain");

        assertThat(drained.statusCode()).isEqualTo(200);
        JsonNode view = RunningMaitre.json(drained.body());
        assertThat(view.get("address").asText()).isEqualTo(two.address().toString());
        assertThat(view.get("state").asText()).isEqualTo("DRAINING");
        assertThat(view.get("eligible").asBoolean()).isFalse();
        assertThat(maitre.state(two.address())).isEqualTo("DRAINING");
        for (int i = 0; i < 4; i++) {
            assertThat(maitre.get("/").body()).isEqualTo("one\n");
        }

        HttpResponse<String> enabled = maitre.admin("POST", backend + "/enable");

        assertThat(enabled.statusCode()).isEqualTo(200);
        assertThat(RunningMaitre.json(enabled.body()).get("state").asText()).isEqualTo("HEALTHY");
        JsonNode events = maitre.adminJson("GET", "/api/events").get("events");
        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        JsonNode drainEvent = events.get(events.size() - 2);
        JsonNode enableEvent = events.get(events.size() - 1);
        assertThat(drainEvent.get("time").asText()).matches(ISO_TIME);
        assertThat(drainEvent.get("cluster").asText()).isEqualTo("app");
        assertThat(drainEvent.get("backend").asText()).isEqualTo(two.address().toString());
        assertThat(drainEvent.get("kind").asText()).isEqualTo("TRANSITION");
        assertThat(drainEvent.get("from").asText()).isEqualTo("HEALTHY");
        assertThat(drainEvent.get("to").asText()).isEqualTo("DRAINING");
        assertThat(drainEvent.get("reason").asText()).isEqualTo("drained by admin");
        assertThat(enableEvent.get("from").asText()).isEqualTo("DRAINING");
        assertThat(enableEvent.get("to").asText()).isEqualTo("HEALTHY");
        assertThat(enableEvent.get("reason").asText()).isEqualTo("enabled by admin");
    }

    @Test
    void unknownClustersBackendsAndPathsAre404WithAJsonErrorThatNamesThem() throws Exception {
        HttpResponse<String> noCluster = maitre.admin("POST", "/api/clusters/nope/backends/" + one.address() + "/drain");
        HttpResponse<String> noBackend = maitre.admin("POST", "/api/clusters/app/backends/127.0.0.1:1/drain");
        HttpResponse<String> noPath = maitre.admin("GET", "/api/nothing");
        HttpResponse<String> badAddress = maitre.admin("POST", "/api/clusters/app/backends/no-port/enable");

        assertThat(noCluster.statusCode()).isEqualTo(404);
        assertThat(RunningMaitre.json(noCluster.body()).get("error").asText()).isEqualTo("no cluster named nope");
        assertThat(noBackend.statusCode()).isEqualTo(404);
        assertThat(RunningMaitre.json(noBackend.body()).get("error").asText())
                .isEqualTo("cluster app has no backend 127.0.0.1:1");
        assertThat(noPath.statusCode()).isEqualTo(404);
        assertThat(noPath.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(RunningMaitre.json(noPath.body()).get("error").asText()).contains("/api/nothing");
        assertThat(badAddress.statusCode()).isEqualTo(400);
        assertThat(RunningMaitre.json(badAddress.body()).get("error").asText()).contains("no-port");
    }

    @Test
    void wrongMethodsAre405WithTheAllowedOne() throws Exception {
        HttpResponse<String> getDrain = maitre.admin("GET", "/api/clusters/app/backends/" + one.address() + "/drain");
        HttpResponse<String> postClusters = maitre.admin("POST", "/api/clusters");
        HttpResponse<String> deleteEvents = maitre.admin("DELETE", "/api/events");

        assertThat(getDrain.statusCode()).isEqualTo(405);
        assertThat(getDrain.headers().firstValue("allow")).hasValue("POST");
        assertThat(RunningMaitre.json(getDrain.body()).get("error").asText()).contains("POST");
        assertThat(postClusters.statusCode()).isEqualTo(405);
        assertThat(postClusters.headers().firstValue("allow")).hasValue("GET");
        assertThat(deleteEvents.statusCode()).isEqualTo(405);
        assertThat(maitre.state(one.address())).as("nothing drained by a wrong method").isEqualTo("HEALTHY");
    }

    @Test
    void healthzAnswersOkWhateverTheBackendsHealth() throws Exception {
        one.crash();
        two.crash();
        maitre.awaitState(one.address(), "UNHEALTHY", Duration.ofSeconds(10));

        HttpResponse<String> response = maitre.admin("GET", "/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void eventsIsAnEmptyListBeforeAnythingChanged() throws Exception {
        HttpResponse<String> response = maitre.admin("GET", "/api/events");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RunningMaitre.json(response.body()).get("events").isArray()).isTrue();
        assertThat(RunningMaitre.json(response.body()).get("events")).isEmpty();
    }

    private void awaitLastCheck(TestBackend backend) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (!maitre.backend(backend.address()).get("lastCheck").isNull()) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no check of " + backend.address() + " within 5 s");
    }
}
