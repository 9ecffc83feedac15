package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.testing.Configs;
import dev.maitre.testing.Requirements;
import dev.maitre.testing.WebSocketEchoServer;
import dev.maitre.testing.WebSocketTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard ({@code GET /} on the admin address) as a person sees it: rendered by a real
 * headless Chromium, which runs the page's script against the live admin API.
 */
@Timeout(120)
class DashboardIT {

    /** Where Debian puts Chromium; {@code CHROMIUM} names another. CI installs it (.ci/run). */
    private static Path chromium() {
        String named = System.getenv("CHROMIUM");
        Path path = Path.of(named != null ? named : "/usr/bin/chromium");
        boolean present = Files.isExecutable(path);
        Requirements.require(present, "Chromium at " + path + " (apt-get install chromium, or set CHROMIUM)");
        return path;
    }

    @Test
    void theDashboardShowsEachBackendsStateAndTheHealthEvents() throws Exception {
        Path chromium = chromium();
        try (TestBackend one = TestBackend.start("one");
             TestBackend two = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(
                     Configs.httpCheck(Duration.ofMillis(300), Duration.ofMillis(200), 2, 2, 0.1), null, one, two))) {
            for (int i = 0; i < 4; i++) {
                assertThat(maitre.get("/").statusCode()).isEqualTo(200);
            }
            two.crash();
            maitre.awaitState(two.address(), "UNHEALTHY", Duration.ofSeconds(10));

            String dom = render(chromium, maitre.adminUrl("/"));

            assertThat(row(dom, one.address().toString())).contains(">HEALTHY<").contains("drain");
            assertThat(row(dom, two.address().toString())).contains(">UNHEALTHY<").contains("connection refused");
            assertThat(dom).contains("cluster app").contains("HEALTHY → UNHEALTHY")
                    .contains("2 consecutive failures: connection refused")
                    .containsPattern("<div id=\"status\" class=\"\">updated [^<]*</div>");
        }
    }

    @Test
    void theDashboardShowsTheOpenTunnelsOfEachListenerAndBackend() throws Exception {
        Path chromium = chromium();
        try (WebSocketEchoServer echo = WebSocketEchoServer.start();
             RunningMaitre maitre = RunningMaitre.start(
                     Configs.cluster(RunningMaitre.CLUSTER, null, null, 0, List.of(echo.address())));
             WebSocketTestClient client = WebSocketTestClient.connect(
                     new HostPort("127.0.0.1", maitre.proxy().getPort()), "/ws")) {

            String dom = render(chromium, maitre.adminUrl("/"));

            assertThat(dom).contains("<th>tunnels</th>").contains("<th>open tunnels</th>")
                    // name, bind, address, protocol, TLS, connections (the WebSocket's), open tunnels
                    .containsPattern("<tr data-listener=\"web\"><td>web</td><td>127\\.0\\.0\\.1:0</td><td>[^<]+</td>"
                            + "<td>http</td><td>no</td><td class=\"num\">1</td><td class=\"num\">1</td></tr>");
            // address, state, weight, active requests (the tunnel is one), open tunnels
            assertThat(row(dom, echo.address().toString()))
                    .containsPattern("<td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">1</td>");
        }
    }

    @Test
    void withATokenTheDashboardAsksForItAndShowsNothingElse() throws Exception {
        Path chromium = chromium();
        try (TestBackend one = TestBackend.start("one");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one),
                     new AdminConfig(new HostPort("127.0.0.1", 0), "dashboard-token"))) {

            String dom = render(chromium, maitre.adminUrl("/"));

            assertThat(dom).contains("<form id=\"token\">", "needs its token")
                    .doesNotContain("data-backend=");
        }
    }

    @Test
    void theDrainButtonDrainsTheBackendThroughThePagesOwnRequest() throws Exception {
        Path chromium = chromium();
        try (TestBackend one = TestBackend.start("one");
             TestBackend two = TestBackend.start("two");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one, two));
             ChromiumPage page = ChromiumPage.open(chromium)) {
            page.navigate(maitre.adminUrl("/"));
            String button = "document.querySelector('tr[data-backend=\"" + one.address() + "\"] button')";
            page.awaitTrue(button + " && " + button + ".textContent === 'drain'");

            page.evaluate(button + ".click()");

            maitre.awaitState(one.address(), "DRAINING", Duration.ofSeconds(10));
            page.awaitTrue(button + ".textContent === 'enable'");
            assertThat(maitre.state(two.address())).isEqualTo("HEALTHY");
        }
    }

    @Test
    void withATokenThePageAsksForItOnceAndThenWorks() throws Exception {
        Path chromium = chromium();
        try (TestBackend one = TestBackend.start("one");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one),
                     new AdminConfig(new HostPort("127.0.0.1", 0), "dashboard-token"));
             ChromiumPage page = ChromiumPage.open(chromium)) {
            page.navigate(maitre.adminUrl("/"));
            page.awaitTrue("!document.getElementById('token').hidden");

            page.evaluate("document.getElementById('token-value').value = 'dashboard-token';"
                    + "document.getElementById('token').requestSubmit()");

            String button = "document.querySelector('tr[data-backend=\"" + one.address() + "\"] button')";
            page.awaitTrue(button);
            assertThat(page.evaluate("document.getElementById('token').hidden").asBoolean()).isTrue();
            assertThat(page.evaluate("sessionStorage.getItem('maitre.adminToken')").asText())
                    .isEqualTo("dashboard-token");
            page.evaluate(button + ".click()");
            maitre.awaitState(one.address(), "DRAINING", Duration.ofSeconds(10));
        }
    }

    /**
     * A page of another origin (here the backend's, another port of the same host: same-site) makes
     * the browser post to the admin API, both ways a page can: a no-cors request, which needs no
     * preflight, and one with the admin header, which does.
     */
    @Test
    void aPageOfAnotherOriginCannotDrainThroughTheBrowser() throws Exception {
        Path chromium = chromium();
        try (TestBackend one = TestBackend.start("one");
             RunningMaitre maitre = RunningMaitre.start(RunningMaitre.cluster(null, null, one));
             ChromiumPage page = ChromiumPage.open(chromium)) {
            page.navigate("http://127.0.0.1:" + one.address().port() + "/");
            page.awaitTrue("document.readyState === 'complete' && location.port === '" + one.address().port() + "'");
            String drain = maitre.adminUrl("/api/clusters/app/backends/" + one.address() + "/drain");

            String noCors = page.evaluate("fetch('" + drain + "', {method: 'POST', mode: 'no-cors', "
                    + "body: 'x', headers: {'Content-Type': 'text/plain'}}).then(() => 'sent', e => 'failed')").asText();
            String preflighted = page.evaluate("fetch('" + drain + "', {method: 'POST', "
                    + "headers: {'X-Maitre-Admin': '1'}}).then(r => 'answered ' + r.status, e => 'refused')").asText();

            assertThat(noCors).as("the browser sent it; the answer is opaque to the page").isEqualTo("sent");
            assertThat(preflighted).as("the preflight is not granted").isEqualTo("refused");
            assertThat(maitre.state(one.address())).isEqualTo("HEALTHY");
        }
    }

    private static String row(String dom, String backend) {
        Matcher row = Pattern.compile("<tr data-backend=\"" + Pattern.quote(backend) + "\">(.*?)</tr>").matcher(dom);
        assertThat(row.find()).as("a row for %s in:%n%s", backend, dom).isTrue();
        return row.group(1);
    }

    /** The page's DOM after its script ran, as Chromium dumps it. */
    private static String render(Path chromium, String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("maitre-chromium-");
        Path out = Files.createTempFile("maitre-dashboard-", ".html");
        try {
            Process browser = new ProcessBuilder(List.of(chromium.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--in-process-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--virtual-time-budget=3000", "--dump-dom", url))
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!browser.waitFor(60, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
                throw new AssertionError("Chromium did not finish rendering " + url + " within 60 s");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
