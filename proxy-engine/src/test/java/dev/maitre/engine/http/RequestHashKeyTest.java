package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.HashOn;
import dev.maitre.engine.balance.Hash64;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class RequestHashKeyTest {

    private static HttpRequest request(String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** The key of {@code request} sent as bytes by {@code clientIp}. */
    private static long key(HashOn hashOn, HttpRequest request, String clientIp) {
        ClientRequest read = DecodedRequests.head(DecodedRequests.text(request));
        try {
            return RequestHashKey.of(hashOn, read.head(), request.uri(), clientIp);
        } finally {
            read.release();
        }
    }

    @Test
    void keysOnTheClientIp() {
        assertThat(key(HashOn.CLIENT_IP, request("/"), "10.0.0.1")).isEqualTo(Hash64.of("10.0.0.1"));
        assertThat(key(HashOn.CLIENT_IP, request("/"), "10.0.0.1"))
                .isNotEqualTo(key(HashOn.CLIENT_IP, request("/"), "10.0.0.2"));
    }

    @Test
    void keysOnThePathWithoutTheQuery() {
        assertThat(key(HashOn.PATH, request("/a/b?x=1"), "10.0.0.1"))
                .isEqualTo(key(HashOn.PATH, request("/a/b"), "10.0.0.2"))
                .isNotEqualTo(key(HashOn.PATH, request("/a/c?x=1"), "10.0.0.1"));
    }

    @Test
    void keysOnAHeaderWhateverTheCaseOfItsName() {
        HashOn hashOn = HashOn.header("X-User");
        assertThat(key(hashOn, request("/", "x-user", "ann"), "10.0.0.1"))
                .isEqualTo(key(hashOn, request("/other", "X-USER", "ann"), "10.0.0.2"))
                .isEqualTo(Hash64.of("ann"));
    }

    @Test
    void keysOnACookieAmongOthers() {
        HashOn hashOn = HashOn.cookie("session");
        long key = Hash64.of("s3cr3t");
        assertThat(key(hashOn, request("/", "Cookie", "session=s3cr3t"), "1.1.1.1")).isEqualTo(key);
        assertThat(key(hashOn, request("/", "Cookie", "a=1; session=s3cr3t; b=2"), "1.1.1.1"))
                .isEqualTo(key);
        assertThat(key(hashOn, request("/", "Cookie", "mysession=x; session=s3cr3t"), "1.1.1.1"))
                .isEqualTo(key);
        assertThat(key(hashOn, request("/", "Cookie", "a=1;session=s3cr3t"), "1.1.1.1"))
                .isEqualTo(key);
    }

    @Test
    void keysOnTheClientIpWhenTheHeaderOrCookieIsMissing() {
        long ip = Hash64.of("10.0.0.9");
        assertThat(key(HashOn.header("X-User"), request("/"), "10.0.0.9")).isEqualTo(ip);
        assertThat(key(HashOn.cookie("session"), request("/"), "10.0.0.9")).isEqualTo(ip);
        assertThat(key(HashOn.cookie("session"), request("/", "Cookie", "sessionid=1; session"),
                "10.0.0.9")).isEqualTo(ip);
    }
}
