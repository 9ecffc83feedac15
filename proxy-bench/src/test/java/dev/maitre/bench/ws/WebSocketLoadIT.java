package dev.maitre.bench.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.maitre.testing.NoLeaksExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaksExtension.class)
class WebSocketLoadIT {

    private WebSocketEchoBackend backend;

    @BeforeEach
    void startBackend() throws InterruptedException {
        backend = WebSocketEchoBackend.start(0, 0);
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @Test
    void echoesOverEveryTunnelForTheWholeWindowWithoutErrors() throws InterruptedException {
        WebSocketLoad.Result result = WebSocketLoad.run(settings(backend.address(1).getPort(), "/ws", 8));

        assertThat(result.errorText()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.tunnelsOpened()).isEqualTo(8);
        assertThat(result.messages()).isGreaterThan(100);
        assertThat(result.messagesTotal()).isGreaterThan(result.messages());
        assertThat(result.seconds()).isBetween(0.9, 3.0);
        assertThat(result.activeSeconds()).isGreaterThan(result.seconds());
        assertThat(result.messagesPerSecond()).isEqualTo(result.messages() / result.seconds(), within(1.0));
        assertThat(result.p50Ms()).isPositive().isLessThanOrEqualTo(result.p99Ms());
        assertThat(result.p99Ms()).isLessThanOrEqualTo(result.maxMs());
        assertThat(result.toJson()).startsWith("{\"connections\": 8, \"message_bytes\": 64, \"tunnels_opened\": 8,")
                .contains("\"errors\": 0, \"error_text\": []}");
    }

    @Test
    void aRefusedHandshakeIsAnErrorOfEveryConnection() throws InterruptedException {
        WebSocketLoad.Result result = WebSocketLoad.run(settings(backend.address(0).getPort(), "/elsewhere", 3));

        assertThat(result.tunnelsOpened()).isZero();
        assertThat(result.messages()).isZero();
        assertThat(result.errors()).isEqualTo(3);
        assertThat(String.join("\n", result.errorText())).contains("3 × ").contains("404");
    }

    @Test
    void argumentsOutOfRangeAreNamed() {
        assertThatThrownBy(() ->
                        WebSocketLoad.Settings.parse("127.0.0.1", "8080", "/ws", "0", "64", "10", "1"))
                .hasMessage("connections: 0 (expected: a whole number from 1 to 10000)");
    }

    private static WebSocketLoad.Settings settings(int port, String path, int connections) {
        return new WebSocketLoad.Settings("127.0.0.1", port, path, connections, 64, Duration.ofSeconds(1),
                Duration.ofMillis(500));
    }
}
