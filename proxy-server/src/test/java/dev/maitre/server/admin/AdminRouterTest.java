package dev.maitre.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminRouterTest {

    private final AdminRouter router = new AdminRouter(List.of(new LivenessResource()));

    private AdminResponse answer(HttpMethod method, String uri) {
        return router.answer(method, AdminPath.of(uri)).completion().toCompletableFuture().join();
    }

    @Test
    void healthzAnswersOkAsText() {
        AdminResponse response = answer(HttpMethod.GET, "/healthz");

        assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(response.contentType()).startsWith("text/plain");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("ok\n");
    }

    @Test
    void aPathNoResourceOwnsIs404InJsonNamingThePath() {
        AdminResponse response = answer(HttpMethod.GET, "/metrics");

        assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"error\"", "/metrics");
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        AdminResponse response = answer(HttpMethod.POST, "/healthz");

        assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(response.header("Allow")).isEqualTo("GET");
    }
}
