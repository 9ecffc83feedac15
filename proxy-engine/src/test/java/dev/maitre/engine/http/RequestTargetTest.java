package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

    private static RequestTarget parse(HttpMethod method, String uri) {
        return RequestTarget.parse(uri, method.equals(HttpMethod.OPTIONS));
    }

    private static RequestTarget parse(String uri) {
        return parse(HttpMethod.GET, uri);
    }

    @Test
    void originFormIsForwardedAsItIs() {
        RequestTarget target = parse("/a/b?x=1&y=%20z");
        assertThat(target.originForm()).isEqualTo("/a/b?x=1&y=%20z");
        assertThat(target.path()).isEqualTo("/a/b");
        assertThat(target.authority()).isNull();
    }

    @Test
    void originFormKeepsEveryCharacterAUriAllows() {
        String uri = "/-._~!$&'()*+,;=:@/%7E?/?-._~!$&'()*+,;=:@%2f";
        assertThat(parse(uri).originForm()).isEqualTo(uri);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://example.com/x?y      | /x?y | /x | example.com",
        "http://example.com:8080/x   | /x   | /x | example.com:8080",
        "HTTP://Example.COM/x        | /x   | /x | Example.COM",
        "https://example.com/        | /    | /  | example.com",
        "http://example.com          | /    | /  | example.com",
        "http://example.com?q=1      | /?q=1 | / | example.com",
        "http://[::1]:8080/a?b       | /a?b | /a | [::1]:8080",
    })
    void absoluteFormBecomesOriginFormAndNamesTheHost(String uri, String originForm, String path, String authority) {
        RequestTarget target = parse(uri);
        assertThat(target.originForm()).isEqualTo(originForm);
        assertThat(target.path()).isEqualTo(path);
        assertThat(target.authority()).isEqualTo(authority);
    }

    @Test
    void asteriskFormIsOnlyForOptions() {
        assertThat(parse(HttpMethod.OPTIONS, "*").originForm()).isEqualTo("*");
        assertThat(parse(HttpMethod.GET, "*")).isNull();
        assertThat(parse(HttpMethod.valueOf("options"), "*")).isNull();
    }

    @Test
    void optionsForAWholeServerInAbsoluteFormIsForwardedAsAsterisk() {
        // RFC 9112 §3.2.4: the last proxy sends "*" for an OPTIONS with an empty path and no query.
        assertThat(parse(HttpMethod.OPTIONS, "http://example.com").originForm()).isEqualTo("*");
        assertThat(parse(HttpMethod.OPTIONS, "http://example.com:80").originForm()).isEqualTo("*");
        assertThat(parse(HttpMethod.OPTIONS, "http://example.com/").originForm()).isEqualTo("/");
        assertThat(parse(HttpMethod.OPTIONS, "http://example.com?q").originForm()).isEqualTo("/?q");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "foo", "a/b", "?x", "/a\tb", "/a\u000bb", "/a\u0000b", "/a\u007fb",
        "/\u00e9", "/a#frag", "/a?b#frag", "/a\"b", "/a<b>", "/a\\b", "/a^b", "/a`b", "/a{b}", "/a|b", "/a[b]",
        "/%", "/%4", "/%zz", "/a?%g0", "http://user@example.com/", "http://user:pw@example.com/x", "http:///x",
        "http://", "ftp://example.com/x", "example.com:443", "http://example.com:x/",
        "http://[::1/", "http://example.com/a<b", "http:/example.com/"})
    void invalidTargetIsRefused(String uri) {
        assertThat(parse(uri)).as("%s", uri).isNull();
    }

    @Test
    void doubleSlashAtTheStartIsAPathNotAnAuthority() {
        // RFC 9112 §3.2.1: origin-form is an absolute-path, which may begin with an empty segment. It
        // goes on merged, so that no backend can read "//x/y" as a reference to host x.
        RequestTarget target = parse("//x/y");
        assertThat(target.originForm()).isEqualTo("/x/y");
        assertThat(target.authority()).isNull();
    }

    @Test
    void hostIsTheAuthorityOfAnAbsoluteFormElseTheHostHeader() {
        assertThat(host("GET http://a.example/x HTTP/1.1\r\nHost: b.example\r\n\r\n")).isEqualTo("a.example");
        assertThat(host("GET /x HTTP/1.1\r\nHost: b.example\r\n\r\n")).isEqualTo("b.example");
        assertThat(host("GET /x HTTP/1.0\r\n\r\n")).isNull();
    }

    private static String host(String head) {
        ClientRequest request = DecodedRequests.head(head);
        try {
            return RequestTarget.parse(request.target(), request.options()).host(request);
        } finally {
            request.release();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com           | example.com",
        "Example.COM:8080      | example.com",
        "example.com.          | example.com",
        "[::1]:8080            | [::1]",
        "[2001:DB8::1]         | [2001:db8::1]",
        "127.0.0.1:80          | 127.0.0.1",
    })
    void routingHostIsLowerCaseWithoutPortOrFinalDot(String host, String expected) {
        assertThat(RequestTarget.routingHost(host)).isEqualTo(expected);
    }

    @Test
    void routingHostOfNoHostIsNull() {
        assertThat(RequestTarget.routingHost(null)).isNull();
        assertThat(RequestTarget.routingHost("")).isNull();
    }

    @ParameterizedTest(name = "{0} is routed as {1}")
    @CsvSource({
        "/public/../admin, /admin",
        "/public/%2e%2e/admin, /admin",
        "/public/%2E%2E/admin, /admin",
        "/public/.%2e/admin, /admin",
        "/a/./b, /a/b",
        "/a/%2e/b, /a/b",
        "//admin//x, /admin/x",
        "/.., /",
        "/../.., /",
        "/../a, /a",
        "/a/b/.., /a/",
        "/a/b/., /a/b/",
        "/a/b/../, /a/",
        "/a/./, /a/",
        "/a/../../b/../c, /c",
        "/a//, /a/",
        "///, /",
    })
    void dotSegmentsAreResolvedForRoutingAndForTheBackend(String target, String resolved) {
        RequestTarget parsed = parse(target + "?q=/../%2e");
        assertThat(parsed.path()).isEqualTo(resolved);
        assertThat(parsed.originForm()).as("the backend gets the resolved path, the query as sent")
                .isEqualTo(resolved + "?q=/../%2e");
    }

    @ParameterizedTest(name = "{0} passes unchanged")
    @ValueSource(strings = {
        "/", "/plain/path", "/a/", "/static/app.min.js", "/.well-known/acme", "/a/.hidden", "/a/..hidden",
        "/a/.../b", "/a/..../b", "/a/b.", "/a/b..", "/v1.2/x", "/a/%2Fb", "/a/b%2F", "/a%2fb/c", "/a/%25",
        "/a/%252e%252e/b", "/a/%252e%252e%252fb", "/a/.%252e/b", "/a;b=c/d", "/a/x;..", "/a/.x;y", "/a/file.txt;v=1",
        "/a/x%2e", "/a/%2ex", "/a/%2e%2e%2e", "/a/%2e.%2e", "/a/b.c%2fd", "/a/b%2f.c", "/a/b%5c.c", "/~user",
        "/%7Euser", "/a?", "/a?b=../c", "/a?b=%2e%2e%2f", "/a/b?x//y",
    })
    void pathsWithoutDotSegmentsOrRepeatedSlashesGoOnAsSent(String target) {
        RequestTarget parsed = parse(target);
        assertThat(parsed).as(target).isNotNull();
        assertThat(parsed.originForm()).isSameAs(target);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {
        "/api/..;/x", "/api/..;x=1/y", "/api/.;/x", "/api/.;x", "/api/..;", "/api/%2e%2e;/x", "/api/.%2E;x/y",
        "/api/..%3b/x", "/api/..%3Bx", "/api/..%2fx", "/api/..%2Fx", "/api/%2e%2e%2fx", "/api/%2E%2E%2Fx",
        "/api/x%2f..", "/api/x%2F..%2Fy", "/api/x%2f.%2fy", "/api/..%5cx", "/api/x%5C..", "/api/%2e%2e%5c",
        "/api/x%2f..;y", "/api/..%2f", "/..%2f..%2fetc/passwd", "http://example.com/api/..;/x",
    })
    void segmentsOtherServersReadAsDotSegmentsAreRefused(String target) {
        assertThat(parse(target)).as(target).isSameAs(RequestTarget.AMBIGUOUS_PATH);
        assertThat(DecodedRequests.validated(ListenerLimits.defaults(), "GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"))
                .isEqualTo(Rejection.AMBIGUOUS_PATH);
    }

    @ParameterizedTest(name = "{0} is matched as {1}")
    @CsvSource({
        "/%61pi/x, /api/x, /%61pi/x",
        "/%7euser, /~user, /%7euser",
        "/a%2fb, /a%2Fb, /a%2fb",
        "/a/%25, /a/%25, /a/%25",
        "/a/%252e, /a/%252e, /a/%252e",
        "/x%2Ey, /x.y, /x%2Ey",
        "/%61/../b/%62, /b/b, /b/%62",
    })
    void routesSeeUnreservedCharactersDecodedWhileTheBackendGetsThemAsWritten(String target, String routed,
                                                                               String sent) {
        RequestTarget parsed = parse(target);
        assertThat(parsed.path()).isEqualTo(routed);
        assertThat(parsed.originForm()).isEqualTo(sent);
    }

    @Test
    void absoluteFormPathsAreResolvedToo() {
        RequestTarget target = parse("http://example.com/a/../b?c");
        assertThat(target.originForm()).isEqualTo("/b?c");
        assertThat(target.path()).isEqualTo("/b");
        assertThat(target.authority()).isEqualTo("example.com");
    }
}
