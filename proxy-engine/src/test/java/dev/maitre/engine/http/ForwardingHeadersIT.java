package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.testing.HttpMessage;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a backend learns about the client through the forwarding headers, from a client the listener
 * does not trust (the default) and from a trusted proxy; and which header names are dropped.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForwardingHeadersIT {

    /** Every forwarding header a client could send to pass itself off as someone else. */
    private static final String SPOOFED = "GET / HTTP/1.1\r\nHost: shop.example\r\n"
            + "X-Forwarded-For: 203.0.113.7\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Forwarded-Host: evil.example\r\n"
            + "X-Forwarded-Port: 443\r\n"
            + "X-Forwarded-Prefix: /admin\r\n"
            + "Forwarded: for=203.0.113.7;proto=https;host=evil.example\r\n"
            + "X-Real-IP: 203.0.113.7\r\n"
            + "X_Forwarded_For: 203.0.113.8\r\n"
            + "x_real_ip: 203.0.113.9\r\n"
            + "X_Custom: underscored\r\n"
            + "X-Custom: dashed\r\n"
            + "\r\n";

    @Test
    void nothingAnUntrustedClientSaysAboutItselfReachesTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            assertThat(client.send(SPOOFED).response().status()).isEqualTo(200);

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("shop.example");
            assertThat(seen.headers("X-Forwarded-Port")).isEmpty();
            assertThat(seen.headers("X-Forwarded-Prefix")).isEmpty();
            assertThat(seen.headers("Forwarded")).isEmpty();
            assertThat(seen.headers("X-Real-IP")).isEmpty();
            assertThat(seen.headers("X_Forwarded_For")).isEmpty();
            assertThat(seen.headers("x_real_ip")).isEmpty();
            assertThat(seen.headers("X_Custom")).as("underscored names are dropped by default").isEmpty();
            assertThat(seen.headers("X-Custom")).containsExactly("dashed");
        }
    }

    @Test
    void theForwardedChainOfATrustedProxyNamesTheHostInQuotesWhenItHasAPort() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.1").start();
             RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: shop.example:8443\r\nForwarded: for=192.0.2.1\r\n\r\n").response();
            client.send("GET / HTTP/1.0\r\nForwarded: for=192.0.2.1\r\n\r\n").response();

            assertThat(backend.requests().get(0).headers("Forwarded"))
                    .containsExactly("for=192.0.2.1, for=127.0.0.1;proto=http;host=\"shop.example:8443\"");
            assertThat(backend.requests().get(1).headers("Forwarded"))
                    .as("a client that named no host").containsExactly("for=192.0.2.1, for=127.0.0.1;proto=http");
        }
    }

    @Test
    void aTrustedProxysForwardingHeadersAreKeptAndExtended() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("10.0.0.0/8", "127.0.0.0/8").start();
             RawClient client = proxy.client()) {
            assertThat(client.send(SPOOFED).response().status()).isEqualTo(200);

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("203.0.113.7, 127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("https");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("evil.example");
            assertThat(seen.headers("X-Forwarded-Port")).containsExactly("443");
            assertThat(seen.headers("X-Forwarded-Prefix")).containsExactly("/admin");
            assertThat(seen.headers("Forwarded")).containsExactly(
                    "for=203.0.113.7;proto=https;host=evil.example, for=127.0.0.1;proto=http;host=shop.example");
            assertThat(seen.headers("X-Real-IP")).containsExactly("203.0.113.7");
            assertThat(seen.headers("X_Forwarded_For")).isEmpty();
            assertThat(seen.headers("X_Custom")).isEmpty();
        }
    }

    @Test
    void aTrustedProxyThatSentNoForwardingHeadersGetsTheThreeMaitreSets() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.1").start();
             RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n").response();

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("shop.example");
            assertThat(seen.headers("X-Real-IP")).isEmpty();
            assertThat(seen.headers("X-Forwarded-Port")).isEmpty();
            assertThat(seen.headers("Forwarded")).isEmpty();
        }
    }

    @Test
    void trustingOtherNetworksDoesNotTrustThisClient() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .trustedProxies("10.0.0.0/8", "::1/128", "127.0.0.2/32").start();
             RawClient client = proxy.client()) {
            client.send(SPOOFED).response();

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(seen.headers("X-Forwarded-Prefix")).isEmpty();
            assertThat(seen.headers("Forwarded")).isEmpty();
        }
    }

    @Test
    void aListenerThatAllowsUnderscoresStillDropsUnderscoredForwardingHeaders() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).allowUnderscores(true).start();
             RawClient client = proxy.client()) {
            client.send(SPOOFED).response();

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.headers("X_Custom")).containsExactly("underscored");
            assertThat(seen.headers("X_Forwarded_For")).isEmpty();
            assertThat(seen.headers("x_real_ip")).isEmpty();
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        }
    }
}
