package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ListenerLimits;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestValidatorTest {

    private static final ListenerLimits SMALL = new ListenerLimits(64, 256, 1024, 10);

    private static HttpRequest request(HttpVersion version, HttpMethod method, String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(version, method, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static HttpRequest get(String... headers) {
        return request(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", headers);
    }

    private static HttpRequest post(String... headers) {
        return request(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", headers);
    }

    /** Validates the first request the listener's decoder makes of {@code bytes}. */
    private static Rejection decodeAndValidate(String bytes) {
        return decodeAndValidate(ListenerLimits.defaults(), bytes);
    }

    private static Rejection decodeAndValidate(ListenerLimits limits, String bytes) {
        return DecodedRequests.validated(limits, bytes);
    }

    /** What the listener answers to {@code request} sent as bytes, before routing: its rejection or null. */
    private static Rejection validate(HttpRequest request) {
        return decodeAndValidate(DecodedRequests.text(request));
    }

    // On request heads as the decoder would hand them over.

    @Test
    void validRequestIsAccepted() {
        assertThat(validate(get("Host", "example.com"))).isNull();
    }

    @Test
    void http11WithoutHostIsRejected() {
        assertThat(validate(get())).isEqualTo(Rejection.BAD_HOST);
    }

    @Test
    void http10WithoutHostIsAccepted() {
        assertThat(validate(request(HttpVersion.HTTP_1_0, HttpMethod.GET, "/"))).isNull();
    }

    @Test
    void twoHostHeadersAreRejected() {
        assertThat(validate(get("Host", "a.example", "Host", "b.example")))
                .isEqualTo(Rejection.BAD_HOST);
        assertThat(validate(get("Host", "a.example", "Host", "a.example")))
                .isEqualTo(Rejection.BAD_HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "exa mple", "host:port:x", "[::1", "[::1]x", "[]", ":80", "user@host",
        "host:8o", "host:123456", "exa\"mple", "a/b", "a\\b", "\u00e9xample.com"})
    void invalidHostIsRejected(String host) {
        assertThat(validate(get("Host", host))).isEqualTo(Rejection.BAD_HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:8080", "EXAMPLE.com.", "127.0.0.1:80", "[::1]",
        "[::1]:8080", "[2001:db8::7]:443", "xn--bcher-kva.example", ""})
    void validHostIsAccepted(String host) {
        assertThat(validate(get("Host", host))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+5", "-1", "5 5", "0x5", "", "5,5", "5, 5", "1.0", "99999999999999999999"})
    void contentLengthThatIsNotDigitsIsRejected(String length) {
        assertThat(validate(post("Host", "a", "Content-Length", length)))
                .isEqualTo(Rejection.BAD_FRAMING);
    }

    @Test
    void theObsoleteWebSocketKeysOfAGetAreRejectedForTheBodyNettyWouldReadBehindThem() {
        assertThat(validate(get("Host", "a", "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5",
                "Sec-WebSocket-Key2", "12998 5 Y3 1  .P00"))).isEqualTo(Rejection.BAD_FRAMING);
        assertThat(validate(get("Host", "a", "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5")))
                .isNull();
        assertThat(validate(get("Host", "a", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")))
                .isNull();
    }

    @Test
    void repeatedContentLengthIsRejectedEvenWhenTheValuesAgree() {
        assertThat(validate(post("Host", "a", "Content-Length", "5", "Content-Length", "5")))
                .isEqualTo(Rejection.BAD_FRAMING);
        assertThat(validate(post("Host", "a", "Content-Length", "5", "Content-Length", "6")))
                .isEqualTo(Rejection.BAD_FRAMING);
    }

    @Test
    void validContentLengthIsAccepted() {
        assertThat(validate(post("Host", "a", "Content-Length", "0"))).isNull();
        assertThat(validate(post("Host", "a", "Content-Length", "0042"))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "chunked               | ",
        "Chunked               | ",
        "gzip                  | UNSUPPORTED_TRANSFER_CODING",
        "gzip, chunked         | UNSUPPORTED_TRANSFER_CODING",
        "chunked, gzip         | BAD_FRAMING",
        "chunked, chunked      | BAD_FRAMING",
        "','                   | BAD_FRAMING",
        "''                    | BAD_FRAMING",
    })
    void transferEncodingOnlyAllowsAFinalChunked(String codings, Rejection expected) {
        assertThat(validate(post("Host", "a", "Transfer-Encoding", codings))).isEqualTo(expected);
    }

    @Test
    void chunkedInTwoFieldLinesIsRejected() {
        assertThat(validate(post("Host", "a", "Transfer-Encoding", "chunked",
                "Transfer-Encoding", "chunked"))).isEqualTo(Rejection.BAD_FRAMING);
    }

    @Test
    void contentLengthBesideTransferEncodingIsRejected() {
        assertThat(validate(post("Host", "a", "Transfer-Encoding", "chunked",
                "Content-Length", "5"))).isEqualTo(Rejection.BAD_FRAMING);
    }

    @Test
    void transferEncodingFromAnHttp10ClientIsRejected() {
        assertThat(validate(request(HttpVersion.HTTP_1_0, HttpMethod.POST, "/",
                "Transfer-Encoding", "chunked"))).isEqualTo(Rejection.BAD_FRAMING);
    }

    @Test
    void connectIsNotSupported() {
        assertThat(validate(request(HttpVersion.HTTP_1_1, HttpMethod.CONNECT,
                "example.com:443", "Host", "example.com:443"))).isEqualTo(Rejection.UNSUPPORTED_METHOD);
    }

    @Test
    void methodIsACaseSensitiveToken() {
        assertThat(validate(request(HttpVersion.HTTP_1_1, HttpMethod.valueOf("get"), "/",
                "Host", "a"))).isNull();
        assertThat(RequestValidator.isToken("M-SEARCH")).isTrue();
        assertThat(RequestValidator.isToken("GE T")).isFalse();
        assertThat(RequestValidator.isToken("GET(")).isFalse();
        assertThat(RequestValidator.isToken("")).isFalse();
    }

    @Test
    void otherMajorVersionIsNotSupported() {
        assertThat(validate(request(HttpVersion.valueOf("HTTP/2.0"), HttpMethod.GET, "/",
                "Host", "a"))).isEqualTo(Rejection.UNSUPPORTED_VERSION);
        assertThat(validate(request(HttpVersion.valueOf("HTTP/0.9"), HttpMethod.GET, "/")))
                .isEqualTo(Rejection.UNSUPPORTED_VERSION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "*", "/a#b", "http://user@example.com/", "http:///x", "ftp://example.com/"})
    void invalidTargetIsRejected(String target) {
        assertThat(validate(request(HttpVersion.HTTP_1_1, HttpMethod.GET, target, "Host", "a")))
                .isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void asteriskIsAcceptedForOptions() {
        assertThat(validate(request(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "*",
                "Host", "a"))).isNull();
    }

    // On what the listener's decoder makes of raw bytes.

    @Test
    void requestLineOverTheLimitIs414() {
        assertThat(decodeAndValidate(SMALL, "GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: a\r\n\r\n"))
                .isEqualTo(Rejection.URI_TOO_LONG);
    }

    @Test
    void headersOverTheLimitAre431() {
        assertThat(decodeAndValidate(SMALL, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(300) + "\r\n\r\n"))
                .isEqualTo(Rejection.HEADERS_TOO_LARGE);
    }

    @Test
    void requestWithinTheLimitsIsAccepted() {
        assertThat(decodeAndValidate(SMALL, "GET /" + "a".repeat(40) + " HTTP/1.1\r\nHost: a\r\nX-Big: "
                + "b".repeat(200) + "\r\n\r\n")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: 5\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: 5",
        "Content-Length: 5\r\nContent-Length: 6",
        "Content-Length: 5\r\nContent-Length: 5",
        "Content-Length: 5, 5",
        "Content-Length: +5",
        "Content-Length: -1",
        "Content-Length: 5 5",
        "Content-Length: 0x5",
        "Content-Length: ",
        "Transfer-Encoding: chunked, gzip",
        "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
    })
    void ambiguousFramingIs400(String fields) {
        assertThat(decodeAndValidate("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n\r\n"))
                .isEqualTo(Rejection.BAD_FRAMING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5\r\nContent-Length: 13", "Transfer-Encoding: chunked",
        "Content-Length: 5\r\nTransfer-Encoding: chunked"})
    void ambiguousFramingFromAnHttp10ClientIs400(String fields) {
        assertThat(decodeAndValidate("POST / HTTP/1.0\r\n" + fields + "\r\n\r\n"))
                .isEqualTo(Rejection.BAD_FRAMING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "gzip, chunked", "identity"})
    void unknownTransferCodingIs501(String codings) {
        assertThat(decodeAndValidate("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + codings + "\r\n\r\n"))
                .isEqualTo(Rejection.UNSUPPORTED_TRANSFER_CODING);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Bad Name: x",
        "Host : a",
        "Bad\u0001Name: x",
        "Bad(Name: x",
        ": no name",
        "NoColon",
        "X-Nul: a\u0000b",
        "X-Ctl: a\u0001b",
        "X-Del: a\u007fb",
        "X-Cr: a\rb",
        "X-Cr-At-End: a\r",
        "X-Lf: a\nb",
        "X-Folded: one\r\n two",
    })
    void invalidFieldLineIs400(String field) {
        assertThat(decodeAndValidate("GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n\r\n"))
                .isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void fieldValueWithObsTextIsAccepted() {
        assertThat(decodeAndValidate("GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9\r\n\r\n")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/3.0", "HTTP/0.9"})
    void otherMajorVersionIs505(String version) {
        assertThat(decodeAndValidate("GET / " + version + "\r\nHost: a\r\n\r\n"))
                .isEqualTo(Rejection.UNSUPPORTED_VERSION);
    }

    @Test
    void otherMajorVersionWithTransferEncodingIs505() {
        assertThat(decodeAndValidate("POST / HTTP/2.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isEqualTo(Rejection.UNSUPPORTED_VERSION);
    }

    @Test
    void higherMinorVersionIsTreatedAsHttp11() {
        assertThat(decodeAndValidate("GET / HTTP/1.2\r\nHost: a\r\n\r\n")).isNull();
        assertThat(decodeAndValidate("GET / HTTP/1.2\r\n\r\n")).isEqualTo(Rejection.BAD_HOST);
        assertThat(decodeAndValidate("POST / HTTP/1.9\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1\nHost: a\n\n", "GET / HTTP/1.1\r\nHost: a\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n\n", "GET /\r\n\r\n", "GET / HTTP/1\r\n\r\n", "GET / HTTP/1.10\r\n\r\n",
        "hello\r\n\r\n", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003"})
    void garbledRequestIs400(String bytes) {
        assertThat(decodeAndValidate(bytes)).isEqualTo(Rejection.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\u0000b", "/a\u0001b", "/\u00e9", "/a#frag", "foo", "*", "/a<b", "/a\\b"})
    void invalidTargetIs400(String target) {
        assertThat(decodeAndValidate("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"))
                .isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void connectIs501() {
        assertThat(decodeAndValidate("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"))
                .isEqualTo(Rejection.UNSUPPORTED_METHOD);
    }

    @Test
    void hostRulesApplyAfterTheDecoder() {
        assertThat(decodeAndValidate("GET / HTTP/1.1\r\n\r\n")).isEqualTo(Rejection.BAD_HOST);
        assertThat(decodeAndValidate("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n")).isEqualTo(Rejection.BAD_HOST);
        assertThat(decodeAndValidate("GET / HTTP/1.1\r\nHost: a b\r\n\r\n")).isEqualTo(Rejection.BAD_HOST);
        assertThat(decodeAndValidate("GET / HTTP/1.0\r\n\r\n")).isNull();
    }

    @Test
    void absoluteFormIsAccepted() {
        assertThat(decodeAndValidate("GET http://example.com/x?y HTTP/1.1\r\nHost: other\r\n\r\n")).isNull();
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        assertThat(decodeAndValidate("POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\nCONTENT-LENGTH: 1\r\n\r\n"))
                .isEqualTo(Rejection.BAD_FRAMING);
        assertThat(decodeAndValidate("POST / HTTP/1.1\r\nHOST: a\r\ntransfer-encoding: CHUNKED\r\n\r\n"))
                .isNull();
    }

    @Test
    void rejectionsCarryTheirStatusAndAShortText() {
        assertThat(Rejection.BAD_FRAMING.status().code()).isEqualTo(400);
        assertThat(Rejection.BAD_FRAMING.body())
                .isEqualTo("400 Bad Request: invalid message framing (Content-Length/Transfer-Encoding)\n");
        assertThat(Rejection.UNSUPPORTED_VERSION.status().code()).isEqualTo(505);
    }
}
