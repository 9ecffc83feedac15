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

    @Test
    void keysOnTheClientIp() {
        assertThat(RequestHashKey.of(HashOn.CLIENT_IP, request("/"), "10.0.0.1")).isEqualTo(Hash64.of("10.0.0.1"));
        assertThat(RequestHashKey.of(HashOn.CLIENT_IP, request("/"), "10.0.0.1"))
                .isNotEqualTo(RequestHashKey.of(HashOn.CLIENT_IP, request("/"), "10.0.0.2"));
    }

    @Test
    void keysOnThePathWithoutTheQuery() {
        assertThat(RequestHashKey.of(HashOn.PATH, request("/a/b?x=1"), "10.0.0.1"))
                .isEqualTo(RequestHashKey.of(HashOn.PATH, request("/a/b"), "10.0.0.2"))
                .isNotEqualTo(RequestHashKey.of(HashOn.PATH, request("/a/c?x=1"), "10.0.0.1"));
    }

    @Test
    void keysOnAHeaderWhateverTheCaseOfItsName() {
        HashOn hashOn = HashOn.header("X-User");
        assertThat(RequestHashKey.of(hashOn, request("/", "x-user", "ann"), "10.0.0.1"))
                .isEqualTo(RequestHashKey.of(hashOn, request("/other", "X-USER", "ann"), "10.0.0.2"))
                .isEqualTo(Hash64.of("ann"));
    }

    @Test
    void keysOnACookieAmongOthers() {
        HashOn hashOn = HashOn.cookie("session");
        long key = Hash64.of("s3cr3t");
        assertThat(RequestHashKey.of(hashOn, request("/", "Cookie", "session=s3cr3t"), "1.1.1.1")).isEqualTo(key);
        assertThat(RequestHashKey.of(hashOn, request("/", "Cookie", "a=1; session=s3cr3t; b=2"), "1.1.1.1"))
                .isEqualTo(key);
        assertThat(RequestHashKey.of(hashOn, request("/", "Cookie", "mysession=x; session=s3cr3t"), "1.1.1.1"))
                .isEqualTo(key);
        assertThat(RequestHashKey.of(hashOn, request("/", "Cookie", "a=1;session=s3cr3t"), "1.1.1.1"))
                .isEqualTo(key);
    }

    @Test
    void keysOnTheClientIpWhenTheHeaderOrCookieIsMissing() {
        long ip = Hash64.of("10.0.0.9");
        assertThat(RequestHashKey.of(HashOn.header("X-User"), request("/"), "10.0.0.9")).isEqualTo(ip);
        assertThat(RequestHashKey.of(HashOn.cookie("session"), request("/"), "10.0.0.9")).isEqualTo(ip);
        assertThat(RequestHashKey.of(HashOn.cookie("session"), request("/", "Cookie", "sessionid=1; session"),
                "10.0.0.9")).isEqualTo(ip);
    }
}
