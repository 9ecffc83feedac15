package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.MaitreProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class InvalidConfigurationIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    /** Six mistakes, each on its own line, none depending on another. */
    private static final String BAD = """
            workers: two
            listeners:
              - name: web
                bind: 127.0.0.1:notaport
                protocol: htp
                routes:
                  - cluster: app
            clusters:
              - name: app
                balancer: round_robbin
                backends:
                  - address: 127.0.0.1:9001
                healthCheck:
                  interval: soon
                colour: blue
            """;

    @TempDir
    Path dir;

    @Test
    void everyBadKeyIsNamedWithItsLineAndTheExitStatusIsTwo() throws Exception {
        Path bad = ConfigFiles.write(dir, "bad.yaml", BAD);

        try (MaitreProcess maitre = MaitreProcess.start("--config", bad.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            String stderr = maitre.stderr();
            assertThat(stderr).as("no stack trace").doesNotContain("\tat ", "Exception");
            assertThat(stderr.lines())
                    .anySatisfy(line -> assertThat(line).contains("workers", "(line 1)"))
                    .anySatisfy(line -> assertThat(line).contains("listeners[0].bind", "(line 4)"))
                    .anySatisfy(line -> assertThat(line).contains("listeners[0].protocol", "(line 5)"))
                    .anySatisfy(line -> assertThat(line).contains("clusters[0].balancer", "(line 10)"))
                    .anySatisfy(line -> assertThat(line).contains("clusters[0].healthCheck.interval", "(line 14)"))
                    .anySatisfy(line -> assertThat(line).contains("clusters[0]", "colour", "(line 15)"));
        }
    }

    @Test
    void checkOfABadFileExitsTwoToo() throws Exception {
        Path bad = ConfigFiles.write(dir, "bad.yaml", BAD);

        try (MaitreProcess maitre = MaitreProcess.start("--check", "--config", bad.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.stderr()).contains("clusters[0].balancer");
        }
    }

    @Test
    void aMissingFileExitsTwoAndNamesIt() throws Exception {
        Path missing = dir.resolve("missing.yaml");

        try (MaitreProcess maitre = MaitreProcess.start("--config", missing.toString())) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.stderr()).contains("missing.yaml").doesNotContain("\tat ");
        }
    }
}
