package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class UnderscoredHeadersTest {

    private static HttpHeaders headers() {
        return new DefaultHttpHeaders()
                .add("Accept", "*/*")
                .add("X_Custom", "1")
                .add("x_custom", "2")
                .add("X-Custom", "dashed")
                .add("X_Forwarded_For", "203.0.113.1")
                .add("x-forwarded_proto", "https")
                .add("X_REAL_IP", "203.0.113.1")
                .add("Forwarded_", "not a forwarding header")
                .add("_", "lone");
    }

    @Test
    void everyUnderscoredNameIsDroppedByDefault() {
        HttpHeaders headers = headers();
        headers = Heads.without(headers, (head, i) -> UnderscoredHeaders.dropped(head, i, false));
        assertThat(headers.names()).containsExactlyInAnyOrder("Accept", "X-Custom");
        assertThat(headers.get("X-Custom")).isEqualTo("dashed");
    }

    @Test
    void allowingUnderscoresKeepsAllButTheSpellingsOfForwardingHeaders() {
        HttpHeaders headers = headers();
        headers = Heads.without(headers, (head, i) -> UnderscoredHeaders.dropped(head, i, true));
        assertThat(headers.getAll("X_Custom")).containsExactly("1", "2");
        assertThat(headers.contains("X_Forwarded_For")).isFalse();
        assertThat(headers.contains("x-forwarded_proto")).isFalse();
        assertThat(headers.contains("X_REAL_IP")).isFalse();
        assertThat(headers.get("Forwarded_")).isEqualTo("not a forwarding header");
        assertThat(headers.get("_")).isEqualTo("lone");
    }

    @Test
    void headersWithoutUnderscoresAreLeftAlone() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "1.2.3.4").add("Accept", "*/*");
        headers = Heads.without(headers, (head, i) -> UnderscoredHeaders.dropped(head, i, false));
        assertThat(headers.names()).containsExactlyInAnyOrder("X-Forwarded-For", "Accept");
    }
}
