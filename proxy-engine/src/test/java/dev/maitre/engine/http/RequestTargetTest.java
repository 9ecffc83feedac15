package dev.maitre.engine.http;

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
        return RequestTarget.parse(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri));
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
        // RFC 9112 §3.2.1: origin-form is an absolute-path, which may begin with an empty segment.
        RequestTarget target = parse("//x/y");
        assertThat(target.originForm()).isEqualTo("//x/y");
        assertThat(target.authority()).isNull();
    }

    @Test
    void hostIsTheAuthorityOfAnAbsoluteFormElseTheHostHeader() {
        HttpRequest absolute = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://a.example/x");
        absolute.headers().set("Host", "b.example");
        assertThat(RequestTarget.parse(absolute).host(absolute)).isEqualTo("a.example");

        HttpRequest origin = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        origin.headers().set("Host", "b.example");
        assertThat(RequestTarget.parse(origin).host(origin)).isEqualTo("b.example");

        HttpRequest none = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x");
        assertThat(RequestTarget.parse(none).host(none)).isNull();
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
        "/a/./b, /a/b",
        "//admin//x, /admin/x",
        "/.., /",
        "/a/b/.., /a/",
        "/, /",
        "/plain/path, /plain/path",
    })
    void routingSeesThePathABackendWillNormalizeTo(String target, String routed) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target + "?q=1");
        RequestTarget parsed = RequestTarget.parse(request);
        assertThat(parsed.path()).isEqualTo(routed);
        assertThat(parsed.originForm()).as("the backend gets the target as sent").isEqualTo(target + "?q=1");
    }
}
