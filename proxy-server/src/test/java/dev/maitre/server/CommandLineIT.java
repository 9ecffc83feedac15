package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.MaitreProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CommandLineIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @Test
    void versionPrintsTheBuildsVersionAndExitsZero() throws Exception {
        try (MaitreProcess maitre = MaitreProcess.start("--version")) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).startsWith("maitre " + System.getProperty("maitre.version") + "\n")
                    .contains("Java " + Runtime.version().feature());
        }
    }

    @Test
    void helpNamesEveryOptionAndExitsZero() throws Exception {
        try (MaitreProcess maitre = MaitreProcess.start("--help")) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isZero();
            assertThat(maitre.stdout()).contains("--config", "--demo", "--check", "--help", "--version");
        }
    }

    @Test
    void anUnknownOptionExitsTwoAndSaysWhichOne() throws Exception {
        try (MaitreProcess maitre = MaitreProcess.start("--colour")) {
            assertThat(maitre.awaitExit(EXIT)).as(maitre.output()).isEqualTo(2);
            assertThat(maitre.stderr()).contains("--colour").doesNotContain("\tat ");
        }
    }
}
