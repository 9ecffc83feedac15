package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.MaitreProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PortInUseIT {

    @TempDir
    Path dir;

    @Test
    void aListenerAddressInUseExitsOneWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path config = ConfigFiles.write(dir, "maitre.yaml",
                    ConfigFiles.proxy(0, port, 9, "30s"));

            try (MaitreProcess maitre = MaitreProcess.start("--config", config.toString())) {
                assertThat(maitre.awaitExit(Duration.ofSeconds(30))).as(maitre.output()).isEqualTo(1);
                assertThat(maitre.stderr().lines().filter(line -> !line.isBlank()))
                        .as(maitre.output())
                        .singleElement().satisfies(line -> assertThat(line)
                                .contains("web", "127.0.0.1:" + port)
                                .containsIgnoringCase("in use")
                                .doesNotContain("Exception"));
            }
        }
    }

    @Test
    void anAdminAddressInUseExitsOneWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path config = ConfigFiles.write(dir, "maitre.yaml",
                    ConfigFiles.proxy(port, 0, 9, "30s"));

            try (MaitreProcess maitre = MaitreProcess.start("--config", config.toString())) {
                assertThat(maitre.awaitExit(Duration.ofSeconds(30))).as(maitre.output()).isEqualTo(1);
                assertThat(maitre.stderr().lines().filter(line -> !line.isBlank()))
                        .as(maitre.output())
                        .singleElement().satisfies(line -> assertThat(line)
                                .contains("admin", "127.0.0.1:" + port)
                                .containsIgnoringCase("in use")
                                .doesNotContain("Exception"));
            }
        }
    }
}
