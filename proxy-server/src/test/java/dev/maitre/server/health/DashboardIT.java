package dev.maitre.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.maitre.testing.Configs;
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
        if (System.getenv("CI") == null) {
            assumeTrue(present, "no Chromium at " + path + " (apt-get install chromium, or set CHROMIUM)");
        }
        assertThat(path).as("Chromium, which .ci/run installs").isExecutable();
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
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
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
