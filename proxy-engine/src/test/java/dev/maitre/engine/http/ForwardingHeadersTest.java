package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ForwardingHeadersTest {

    @Test
    void clientAddressStartsTheChainWhenThereIsNone() {
        HttpHeaders headers = new DefaultHttpHeaders();
        ForwardingHeaders.apply(headers, "192.0.2.7", "http", "example.com");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("192.0.2.7");
    }

    @Test
    void clientAddressIsAppendedToTheChain() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.1");
        ForwardingHeaders.apply(headers, "192.0.2.7", "http", "example.com");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("203.0.113.1, 192.0.2.7");
    }

    @Test
    void severalPriorLinesAreJoinedInOrderIntoOne() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-For", "203.0.113.1")
                .add("Accept", "*/*")
                .add("x-forwarded-for", "203.0.113.2, 2001:db8::1")
                .add("X-Forwarded-For", "");
        ForwardingHeaders.apply(headers, "192.0.2.7", "http", "example.com");
        assertThat(headers.getAll("X-Forwarded-For"))
                .containsExactly("203.0.113.1, 203.0.113.2, 2001:db8::1, 192.0.2.7");
    }

    @Test
    void protoAndHostAreWhatTheClientUsedNotWhatItClaimed() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "evil.example")
                .add("X-Forwarded-Host", "evil2.example");
        ForwardingHeaders.apply(headers, "192.0.2.7", "http", "shop.example:8080");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("shop.example:8080");
    }

    @Test
    void forwardedHostIsRemovedWhenTheClientNamedNoHost() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-Host", "evil.example");
        ForwardingHeaders.apply(headers, "192.0.2.7", "https", null);
        assertThat(headers.contains("X-Forwarded-Host")).isFalse();
        assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("https");
    }
}
