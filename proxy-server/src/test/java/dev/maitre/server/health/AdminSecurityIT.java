package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the admin API refuses to a web page in a browser: state-changing requests from other sites
 * (cross-site request forgery) and requests for a host name that is not its own (DNS rebinding);
 * and the headers that keep its answers from being sniffed, cached or framed.
 */
@Timeout(60)
class AdminSecurityIT {

    private static final String EVIL = "http://evil.example";

    private TestBackend one;
    private RunningMaitre maitre;
    private String drain;
    private String host;

    @BeforeEach
    void start() throws Exception {
        one = TestBackend.start("one");
        maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one));
        drain = "/api/clusters/app/backends/" + one.address() + "/drain";
        host = "Host: 127.0.0.1:" + maitre.adminPort();
    }

    @AfterEach
    void stop() {
        if (maitre != null) {
            maitre.close();
        }
        one.close();
    }

    @Test
    void aCrossSiteTextPlainPostFromAPageIsRefusedAndDrainsNothing() throws Exception {
        // what a <form enctype="text/plain"> or a no-cors fetch on evil.example sends: no preflight
        RawHttp.Answer answer = post(drain, host, "Origin: " + EVIL, "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: no-cors", "Content-Type: text/plain");

        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.body()).contains("cross-site");
        assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");
    }

    @Test
    void aForeignOriginIsRefusedEvenWithoutFetchMetadata() throws Exception {
        RawHttp.Answer foreign = post(drain, host, "Origin: " + EVIL, "X-Maitre-Admin: 1");
        RawHttp.Answer opaque = post(drain, host, "Origin: null", "X-Maitre-Admin: 1");
        RawHttp.Answer otherPort = post(drain, host, "Origin: http://127.0.0.1:1", "X-Maitre-Admin: 1");

        assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
        assertThat(opaque.status()).as("Origin: null, from a sandboxed frame or a data: page").isEqualTo(403);
        assertThat(otherPort.status()).as("another port is another origin").isEqualTo(403);
        assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");
    }

    @Test
    void aSameSiteButNotSameOriginRequestIsRefused() throws Exception {
        RawHttp.Answer answer = post(drain, host, "Sec-Fetch-Site: same-site", "X-Maitre-Admin: 1");

        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");
    }

    @Test
    void aBrowserRequestFromTheAdminsOwnOriginNeedsTheAdminHeader() throws Exception {
        String origin = "Origin: http://127.0.0.1:" + maitre.adminPort();

        RawHttp.Answer without = post(drain, host, origin, "Sec-Fetch-Site: same-origin");

        assertThat(without.status()).as(without.body()).isEqualTo(403);
        assertThat(without.body()).contains("X-Maitre-Admin");
        assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");

        RawHttp.Answer with = post(drain, host, origin, "Sec-Fetch-Site: same-origin", "X-Maitre-Admin: 1");

        assertThat(with.status()).as(with.body()).isEqualTo(200);
        assertThat(maitre.state(one.address())).isEqualTo("DRAINING");
    }

    @Test
    void aPlainPostWithoutBrowserMarkersWorksAsWithCurl() throws Exception {
        RawHttp.Answer answer = post(drain, host, "User-Agent: curl/8.5.0", "Accept: */*");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(maitre.state(one.address())).isEqualTo("DRAINING");
    }

    @Test
    void aPreflightIsNeverGrantedAndAStateChangingOptionsFromAnotherSiteIsRefused() throws Exception {
        RawHttp.Answer answer = RawHttp.send(maitre.adminPort(), "OPTIONS", drain, "", host, "Origin: " + EVIL,
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: x-maitre-admin");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
    }

    @Test
    void anUnknownHostNameIsMisdirectedEvenForReading() throws Exception {
        RawHttp.Answer rebound = get("/api/clusters", "Host: rebind.evil.example:" + maitre.adminPort());
        RawHttp.Answer noPort = get("/api/clusters", "Host: rebind.evil.example");
        RawHttp.Answer drained = post(drain, "Host: rebind.evil.example:" + maitre.adminPort());
        RawHttp.Answer none = get("/api/clusters");

        assertThat(rebound.status()).isEqualTo(421);
        assertThat(rebound.header("content-type")).startsWith("text/plain");
        assertThat(rebound.body()).contains("rebind.evil.example").doesNotContain("clusters\"");
        assertThat(noPort.status()).isEqualTo(421);
        assertThat(drained.status()).isEqualTo(421);
        assertThat(none.status()).as("no Host at all").isEqualTo(421);
        assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");
    }

    @Test
    void loopbackNamesAndTheBoundAddressAreTheAdminsOwnHosts() throws Exception {
        for (String name : new String[] {"127.0.0.1:" + maitre.adminPort(), "localhost:" + maitre.adminPort(),
                "localhost", "LocalHost:8000", "127.0.0.2", "[::1]:" + maitre.adminPort(), "[::1]"}) {
            RawHttp.Answer answer = get("/api/clusters", "Host: " + name);

            assertThat(answer.status()).as("Host: %s", name).isEqualTo(200);
        }
        assertThat(get("/api/clusters", "Host: 127.0.0.1.evil.example").status()).isEqualTo(421);
        assertThat(get("/api/clusters", "Host: localhost.evil.example").status()).isEqualTo(421);
    }

    @Test
    void everyAnswerIsNotToBeSniffedAndJsonIsNotToBeStored() throws Exception {
        RawHttp.Answer json = get("/api/clusters", host);
        RawHttp.Answer text = get("/healthz", host);
        RawHttp.Answer refused = post(drain, host, "Origin: " + EVIL);
        RawHttp.Answer misdirected = get("/api/clusters", "Host: evil.example");

        for (RawHttp.Answer answer : new RawHttp.Answer[] {json, text, refused, misdirected}) {
            assertThat(answer.header("x-content-type-options")).as(answer.toString()).isEqualTo("nosniff");
        }
        assertThat(json.header("cache-control")).isEqualTo("no-store");
        assertThat(refused.header("cache-control")).isEqualTo("no-store");
    }

    @Test
    void theDashboardMayNotBeFramed() throws Exception {
        RawHttp.Answer page = get("/", host);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("x-frame-options")).isEqualTo("DENY");
        assertThat(page.header("content-security-policy"))
                .contains("frame-ancestors 'none'", "default-src 'none'", "connect-src 'self'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void readyAnswers200WhileServing() throws Exception {
        RawHttp.Answer ready = get("/ready", host);

        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
    }

    private RawHttp.Answer get(String path, String... headers) throws IOException {
        return RawHttp.send(maitre.adminPort(), "GET", path, "", headers);
    }

    private RawHttp.Answer post(String path, String... headers) throws IOException {
        return RawHttp.send(maitre.adminPort(), "POST", path, "drain=please", headers);
    }
}
