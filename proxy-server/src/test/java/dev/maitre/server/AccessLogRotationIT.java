package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.testing.MaitreProcess;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's access log under logrotate's {@code create} scheme: the file is moved away,
 * maitre gets SIGUSR1 and writes on into a new file by the configured name, and keeps running.
 */
@Timeout(90)
class AccessLogRotationIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void sigusr1ReopensTheFileAfterItWasMovedAway() throws Exception {
        Path log = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (RawBackend backend = RawBackend.answering("hello")) {
            Path config = ConfigFiles.write(dir, "maitre.yaml", ConfigFiles.proxy(0, 0, backend.address().port(), "2s")
                    + "accessLog: { enabled: true, format: combined, path: " + log + " }\n");
            try (MaitreProcess maitre = MaitreProcess.start("--config", config.toString())) {
                int port = maitre.awaitListenerPort("web", WAIT);
                maitre.awaitStdout("started in", WAIT);
                get(port, "/before");
                await().atMost(WAIT).until(() -> lines(log).size() == 1);

                Files.move(log, rotated);
                get(port, "/moved");
                await().atMost(WAIT).until(() -> lines(rotated).size() == 2);
                maitre.reopenLogs();
                maitre.awaitStdout("access log " + log + " reopened", WAIT);
                get(port, "/after");

                await().atMost(WAIT).until(() -> lines(log).size() == 1);
                assertThat(lines(log).get(0)).contains("\"GET /after HTTP/1.1\" 200 5");
                assertThat(lines(rotated)).hasSize(2).noneMatch(line -> line.contains("/after"));
                assertThat(maitre.isAlive()).isTrue();
                assertThat(maitre.stdout()).doesNotContain("GET /before");
            }
        }
    }

    private static void get(int port, String path) throws IOException {
        try (RawClient client = new RawClient(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(client.get(path).status()).isEqualTo(200);
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
