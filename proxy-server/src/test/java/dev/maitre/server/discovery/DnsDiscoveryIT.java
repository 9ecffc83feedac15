package dev.maitre.server.discovery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.maitre.testing.Dnsmasq;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Clusters whose backends DNS names (a real dnsmasq on a loopback port), with real backends on
 * 127.0.0.2, 127.0.0.3, ...: the records' changes followed while requests run, their TTL respected
 * within the configured bounds, a failed resolver survived, SRV records, health kept across changes.
 */
class DnsDiscoveryIT {

    private static final String WEB = "web." + Dnsmasq.DOMAIN;
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Dnsmasq dns;
    private LoopbackBackends backends;
    private DiscoveringMaitre maitre;

    @BeforeEach
    void start() throws Exception {
        Dnsmasq.require();
        backends = LoopbackBackends.start("127.0.0.2", "127.0.0.3", "127.0.0.4");
        Path dnsDir = Files.createDirectory(dir.resolve("dns"));
        dns = Dnsmasq.start(dnsDir, Duration.ofSeconds(1), Map.of(WEB, List.of("127.0.0.2", "127.0.0.3")), List.of());
    }

    @AfterEach
    void stop() {
        if (maitre != null) {
            maitre.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    private String cluster(String name, String bounds) {
        return """
                - name: %s
                  discovery:
                    dns: { name: %s, port: %d, %s, resolvers: [ %s ] }
                """.formatted(name, WEB, backends.port(), bounds, dns.resolver());
    }

    private List<String> addresses(String cluster) throws Exception {
        return new ArrayList<>(maitre.backends(cluster).keySet());
    }

    private String at(String host) {
        return backends.address(host).toString();
    }

    @Test
    void backendsJoinAndLeaveWithTheRecordsWhileRequestsRunWithoutAClientError() throws Exception {
        maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 200ms, maxRefresh: 1s"));
        // the first answer is awaited at start: the cluster is served from its first request
        assertThat(addresses("app")).containsExactly(at("127.0.0.2"), at("127.0.0.3"));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            clients.execute(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = maitre.get("/");
                        if (response.statusCode() != 200) {
                            errors.add(response.statusCode() + " " + response.body().strip());
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                    sent.incrementAndGet();
                }
            });
        }
        try {
            await().atMost(WITHIN).until(() -> backends.requests("127.0.0.3") > 20);

            dns.hosts(WEB, "127.0.0.3", "127.0.0.4");
            await().atMost(WITHIN).until(() -> addresses("app").equals(List.of(at("127.0.0.3"), at("127.0.0.4"))));
            await().atMost(WITHIN).until(() -> backends.requests("127.0.0.4") > 20);
            // a pod gone from the records ends: no request may go to it any more
            backends.stop("127.0.0.2");

            dns.hosts(WEB, "127.0.0.4");
            await().atMost(WITHIN).until(() -> addresses("app").equals(List.of(at("127.0.0.4"))));
            backends.stop("127.0.0.3");
            int before = sent.get();
            await().atMost(WITHIN).until(() -> sent.get() > before + 200);
        } finally {
            running.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(sent.get()).isGreaterThan(300);
        assertThat(errors).as("client errors out of %d requests", sent.get()).isEmpty();
        assertThat(maitre.discoveredBackends("app")).isEqualTo(1);
    }

    @Test
    void theRecordsTtlSetsTheRefreshClampedIntoTheBounds() throws Exception {
        // dnsmasq gives every record a TTL of 1 s
        maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 100ms, maxRefresh: 30s")
                + cluster("slow", "minRefresh: 3s, maxRefresh: 30s")
                + cluster("fast", "minRefresh: 100ms, maxRefresh: 250ms"));
        Map<String, Double> start = Map.of("app", maitre.resolutions("app", "ok"),
                "slow", maitre.resolutions("slow", "ok"), "fast", maitre.resolutions("fast", "ok"));

        Thread.sleep(6_000);

        // the TTL: about one lookup a second; minRefresh: one every 3 s at most; maxRefresh: four a second
        assertThat(maitre.resolutions("app", "ok") - start.get("app")).isBetween(4.0, 7.0);
        assertThat(maitre.resolutions("slow", "ok") - start.get("slow")).isBetween(1.0, 3.0);
        assertThat(maitre.resolutions("fast", "ok") - start.get("fast")).isBetween(15.0, 25.0);
    }

    @Test
    void aChangeIsSeenWithinTheTtlAndNotBeforeMinRefresh() throws Exception {
        maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 100ms, maxRefresh: 30s")
                + cluster("slow", "minRefresh: 4s, maxRefresh: 30s"));
        // just after a lookup of the slow cluster, so that its next one is about 4 s away
        double slowLookups = maitre.resolutions("slow", "ok");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20))
                .until(() -> maitre.resolutions("slow", "ok") > slowLookups);

        long changed = System.nanoTime();
        dns.hosts(WEB, "127.0.0.4");

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20))
                .until(() -> addresses("app").equals(List.of(at("127.0.0.4"))));
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("TTL 1 s").isLessThan(Duration.ofMillis(2_500));
        assertThat(addresses("slow")).as("before minRefresh").containsExactly(at("127.0.0.2"), at("127.0.0.3"));
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20))
                .until(() -> addresses("slow").equals(List.of(at("127.0.0.4"))));
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).as("minRefresh 4 s")
                .isBetween(Duration.ofMillis(2_000), Duration.ofMillis(6_000));
    }

    @Test
    void aFailedOrEmptyAnswerKeepsTheLastBackendsAndIsCountedAndLoggedOncePerChange() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger(DnsDiscovery.class);
        logger.addAppender(lines);
        try {
            maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 100ms, maxRefresh: 500ms"));

            dns.stop();
            await().atMost(WITHIN).until(() -> maitre.resolutions("app", "failed") >= 3);
            assertThat(addresses("app")).containsExactly(at("127.0.0.2"), at("127.0.0.3"));
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);

            dns.restart(List.of());
            dns.hosts(WEB);
            await().atMost(WITHIN).until(() -> maitre.resolutions("app", "empty") >= 3);
            assertThat(addresses("app")).containsExactly(at("127.0.0.2"), at("127.0.0.3"));
            assertThat(maitre.discoveredBackends("app")).isEqualTo(2);

            dns.hosts(WEB, "127.0.0.4");
            await().atMost(WITHIN).until(() -> addresses("app").equals(List.of(at("127.0.0.4"))));
            assertThat(maitre.get("/").body()).isEqualTo("127.0.0.4\n");

            // one line per change of condition, however many lookups failed or came back empty
            assertThat(logged(lines, "lookup failed")).isEqualTo(1);
            assertThat(logged(lines, "names no backend")).isEqualTo(1);
            assertThat(logged(lines, "names backends again")).isEqualTo(1);
        } finally {
            logger.detachAppender(lines);
        }
    }

    private static long logged(ListAppender<ILoggingEvent> lines, String text) {
        return List.copyOf(lines.list).stream().filter(line -> line.getFormattedMessage().contains(text)).count();
    }

    @Test
    void srvRecordsNameTheBackendsWithTheirPortsAndWeights() throws Exception {
        String srv = "_http._tcp.web." + Dnsmasq.DOMAIN;
        dns.hosts("a." + Dnsmasq.DOMAIN, "127.0.0.2");
        dns.hosts("b." + Dnsmasq.DOMAIN, "127.0.0.3");
        dns.restart(List.of(srv + ",a." + Dnsmasq.DOMAIN + "," + backends.port() + ",0,1",
                srv + ",b." + Dnsmasq.DOMAIN + "," + backends.port() + ",0,3"));
        maitre = DiscoveringMaitre.start(dir, """
                - name: app
                  balancer: weighted_round_robin
                  discovery:
                    dns: { srv: %s, resolvers: [ %s ] }
                """.formatted(srv, dns.resolver()));

        Map<String, JsonNode> found = maitre.backends("app");
        assertThat(found).containsOnlyKeys(at("127.0.0.2"), at("127.0.0.3"));
        assertThat(found.get(at("127.0.0.2")).get("weight").asInt()).isEqualTo(1);
        assertThat(found.get(at("127.0.0.3")).get("weight").asInt()).isEqualTo(3);
        for (int i = 0; i < 40; i++) {
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);
        }
        assertThat(backends.requests("127.0.0.2")).isEqualTo(10);
        assertThat(backends.requests("127.0.0.3")).isEqualTo(30);
    }

    @Test
    void anAddressThatStaysKeepsItsHealthState() throws Exception {
        maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 100ms, maxRefresh: 1s"));
        assertThat(maitre.send("POST", maitre.admin("/api/clusters/app/backends/" + at("127.0.0.2") + "/drain"))
                .statusCode()).isEqualTo(200);

        dns.hosts(WEB, "127.0.0.2", "127.0.0.3", "127.0.0.4");
        await().atMost(WITHIN).until(() -> addresses("app").size() == 3);

        assertThat(maitre.backends("app").get(at("127.0.0.2")).get("state").asText()).isEqualTo("DRAINING");
        assertThat(maitre.backends("app").get(at("127.0.0.4")).get("state").asText()).isEqualTo("HEALTHY");
        for (int i = 0; i < 10; i++) {
            assertThat(maitre.get("/").body()).isNotEqualTo("127.0.0.2\n");
        }
    }

    @Test
    void theAdminApiShowsWhereEachBackendCameFromAndAFileReloadKeepsTheDiscoveredOnes() throws Exception {
        String clusters = cluster("app", "minRefresh: 100ms, maxRefresh: 30s") + """
                  backends:
                    - address: %s
                """.formatted(at("127.0.0.4"));
        maitre = DiscoveringMaitre.start(dir, clusters);

        Map<String, JsonNode> found = maitre.backends("app");
        assertThat(found).containsOnlyKeys(at("127.0.0.4"), at("127.0.0.2"), at("127.0.0.3"));
        assertThat(found.get(at("127.0.0.4")).get("origin").asText()).isEqualTo("static");
        assertThat(found.get(at("127.0.0.2")).get("origin").asText()).isEqualTo("dns");

        JsonNode reloaded = maitre.reload(clusters + "  timeouts: { response: 20s }\n");

        assertThat(reloaded.get("reloaded").asBoolean()).as(reloaded.toString()).isTrue();
        assertThat(maitre.backends("app")).containsOnlyKeys(at("127.0.0.4"), at("127.0.0.2"), at("127.0.0.3"));
    }

    @Test
    void aReloadThatAddsOrRemovesDiscoveryStartsOrStopsIt() throws Exception {
        String staticOnly = """
                - name: app
                  backends:
                    - address: %s
                """.formatted(at("127.0.0.4"));
        maitre = DiscoveringMaitre.start(dir, staticOnly);

        JsonNode added = maitre.reload(cluster("app", "minRefresh: 100ms, maxRefresh: 1s") + """
                  backends:
                    - address: %s
                """.formatted(at("127.0.0.4")));
        assertThat(added.get("changes").toString()).contains("cluster app: discovery added");
        await().atMost(WITHIN).until(() -> addresses("app").size() == 3);

        JsonNode removed = maitre.reload(staticOnly);
        assertThat(removed.get("changes").toString()).contains("cluster app: discovery removed");
        assertThat(addresses("app")).containsExactly(at("127.0.0.4"));
        Thread.sleep(1_500);
        assertThat(addresses("app")).as("after the lookups it would have made").containsExactly(at("127.0.0.4"));
    }

    @Test
    void aBackendThatJoinsRampsUpInSlowStartWhileTheOthersKeepTheirWeight() throws Exception {
        maitre = DiscoveringMaitre.start(dir, """
                - name: app
                  balancer: weighted_round_robin
                  slowStart: 30s
                  discovery:
                    dns: { name: %s, port: %d, minRefresh: 100ms, maxRefresh: 1s, resolvers: [ %s ] }
                """.formatted(WEB, backends.port(), dns.resolver()));
        for (int i = 0; i < 20; i++) {
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);
        }

        dns.hosts(WEB, "127.0.0.2", "127.0.0.3", "127.0.0.4");
        await().atMost(WITHIN).until(() -> addresses("app").size() == 3);
        for (int i = 0; i < 200; i++) {
            assertThat(maitre.get("/").statusCode()).isEqualTo(200);
        }

        // at full weight it would get a third (about 67); from 10% of its weight, about a twentieth
        assertThat(backends.requests("127.0.0.4")).isBetween(1, 30);
        assertThat(backends.requests("127.0.0.2") + backends.requests("127.0.0.3")).isGreaterThan(190);
    }

    @Test
    void aClusterWhoseRecordsAreNotThereYetAnswers503UntilTheyAre() throws Exception {
        dns.hosts(WEB);
        maitre = DiscoveringMaitre.start(dir, cluster("app", "minRefresh: 100ms, maxRefresh: 500ms"));

        assertThat(addresses("app")).isEmpty();
        assertThat(maitre.get("/").statusCode()).isEqualTo(503);

        dns.hosts(WEB, "127.0.0.3");
        await().atMost(WITHIN).until(() -> addresses("app").equals(List.of(at("127.0.0.3"))));
        assertThat(maitre.get("/").body()).isEqualTo("127.0.0.3\n");
    }
}
