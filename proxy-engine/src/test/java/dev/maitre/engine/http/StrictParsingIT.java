package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a client sees when its request is not one maitre can forward without doubt: maitre's own
 * answer, {@code Connection: close}, the connection closed, and nothing of the request at the backend.
 * And what the backend sees of the unusual requests that are valid.
 */
class StrictParsingIT {

    private static final int MAX_REQUEST_LINE = 1024;
    private static final int MAX_HEADERS = 4096;

    private static final String MALFORMED = "400 Bad Request: malformed request\n";
    private static final String BAD_HOST = "400 Bad Request: missing, repeated or invalid Host header\n";
    private static final String BAD_FRAMING =
            "400 Bad Request: invalid message framing (Content-Length/Transfer-Encoding)\n";
    private static final String BAD_BODY = "400 Bad Request: request body incomplete or malformed\n";
    private static final String LINE_TOO_LONG = "414 Request-URI Too Long: request line too long\n";
    private static final String HEADERS_TOO_LARGE =
            "431 Request Header Fields Too Large: request header fields too large\n";
    private static final String UNKNOWN_CODING = "501 Not Implemented: unsupported transfer coding\n";
    private static final String NO_CONNECT = "501 Not Implemented: method not supported by this proxy\n";
    private static final String BAD_VERSION = "505 HTTP Version Not Supported: HTTP version not supported\n";

    private RawBackend backend;
    private ProxyFixture proxy;

    @BeforeEach
    void start() throws Exception {
        backend = RawBackend.answering("from backend");
        proxy = ProxyFixture.builder(backend.address())
                .limits(new ListenerLimits(MAX_REQUEST_LINE, MAX_HEADERS, 1024 * 1024, 100))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    static Stream<Arguments> rejectedHeads() {
        return Stream.of(
                rejected("request line over the limit",
                        "GET /" + "a".repeat(MAX_REQUEST_LINE) + " HTTP/1.1\r\nHost: a\r\n\r\n", LINE_TOO_LONG),
                rejected("headers over the limit",
                        "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(MAX_HEADERS) + "\r\n\r\n", HEADERS_TOO_LARGE),

                rejected("Content-Length and Transfer-Encoding",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n"), BAD_FRAMING),
                rejected("Transfer-Encoding and Content-Length",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 5", "5\r\nhello\r\n0\r\n\r\n"), BAD_FRAMING),
                // The obsolete hixie-76 WebSocket handshake: Netty's decoder would take the next 8
                // bytes as a body that no header announces, and a backend would read them as the
                // start of the next request.
                rejected("GET with Sec-WebSocket-Key1 and -Key2 (an 8-byte body nobody announced)",
                        "GET /chat HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
                                + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\nGET /x H", BAD_FRAMING),
                rejected("two different Content-Lengths",
                        post("Content-Length: 5\r\nContent-Length: 11", "hello world"), BAD_FRAMING),
                rejected("two identical Content-Lengths", post("Content-Length: 5\r\nContent-Length: 5", "hello"),
                        BAD_FRAMING),
                rejected("a list of identical Content-Lengths", post("Content-Length: 5, 5", "hello"), BAD_FRAMING),
                rejected("two Content-Lengths from an HTTP/1.0 client",
                        "POST / HTTP/1.0\r\nContent-Length: 5\r\nContent-Length: 11\r\n\r\nhello world", BAD_FRAMING),
                rejected("Content-Length +5", post("Content-Length: +5", "hello"), BAD_FRAMING),
                rejected("Content-Length -1", post("Content-Length: -1", "hello"), BAD_FRAMING),
                rejected("Content-Length 5 5", post("Content-Length: 5 5", "hello"), BAD_FRAMING),
                rejected("Content-Length 0x5", post("Content-Length: 0x5", "hello"), BAD_FRAMING),
                rejected("empty Content-Length", post("Content-Length: ", "hello"), BAD_FRAMING),
                rejected("Content-Length beyond a long", post("Content-Length: 99999999999999999999", "hello"),
                        BAD_FRAMING),

                rejected("Transfer-Encoding gzip", post("Transfer-Encoding: gzip", "hello"), UNKNOWN_CODING),
                rejected("Transfer-Encoding gzip, chunked",
                        post("Transfer-Encoding: gzip, chunked", "5\r\nhello\r\n0\r\n\r\n"), UNKNOWN_CODING),
                rejected("Transfer-Encoding chunked, gzip",
                        post("Transfer-Encoding: chunked, gzip", "5\r\nhello\r\n0\r\n\r\n"), BAD_FRAMING),
                rejected("Transfer-Encoding chunked, chunked",
                        post("Transfer-Encoding: chunked, chunked", "5\r\nhello\r\n0\r\n\r\n"), BAD_FRAMING),
                rejected("chunked in two Transfer-Encoding lines",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "5\r\nhello\r\n0\r\n\r\n"),
                        BAD_FRAMING),
                rejected("Transfer-Encoding from an HTTP/1.0 client",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", BAD_FRAMING),

                rejected("space in a header name", get("Bad Name: x"), MALFORMED),
                rejected("invalid character in a header name", get("Bad(Name): x"), MALFORMED),
                rejected("space before the colon", get("X-Name : x"), MALFORMED),
                rejected("space before the colon of Content-Length", post("Content-Length : 5", "hello"), MALFORMED),
                rejected("header line without a colon", get("NoColon"), MALFORMED),
                rejected("NUL in a header value", get("X-Name: a\u0000b"), MALFORMED),
                rejected("control character in a header value", get("X-Name: a\u0001b"), MALFORMED),
                rejected("DEL in a header value", get("X-Name: a\u007fb"), MALFORMED),
                rejected("bare CR in a header value", get("X-Name: a\rb"), MALFORMED),
                rejected("obs-fold", get("X-Name: one\r\n two"), MALFORMED),
                rejected("obs-fold with a tab", get("X-Name: one\r\n\ttwo"), MALFORMED),
                rejected("whitespace before the first header", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", MALFORMED),

                rejected("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", BAD_HOST),
                rejected("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", BAD_HOST),
                rejected("Host a b", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", BAD_HOST),
                rejected("Host exa mple", "GET / HTTP/1.1\r\nHost: exa mple\r\n\r\n", BAD_HOST),
                rejected("Host host:port:x", "GET / HTTP/1.1\r\nHost: host:port:x\r\n\r\n", BAD_HOST),
                rejected("Host [::1", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", BAD_HOST),
                rejected("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", BAD_HOST),
                rejected("absolute-form without Host", "GET http://example.com/ HTTP/1.1\r\n\r\n", BAD_HOST),

                rejected("absolute-form with userinfo",
                        "GET http://user:pw@example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", MALFORMED),
                rejected("absolute-form of another scheme", "GET ftp://example.com/ HTTP/1.1\r\nHost: a\r\n\r\n",
                        MALFORMED),
                rejected("tab in the target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("tab after the target", "GET /a\tHTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("vertical tab after the target", "GET /a\u000b HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("form feed after the target", "GET /a\u000c HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("bare CR after the target", "GET /a\r HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("NUL in the target", "GET /a\u0000b HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("non-ASCII byte in the target", "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("fragment in the target", "GET /a#top HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("backslash in the target", "GET /a\\..\\b HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("broken percent-encoding", "GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("target not starting with /", "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("space before the request line", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("space after the version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", MALFORMED),
                rejected("lower-case HTTP-name", "GET / http/1.1\r\nHost: a\r\n\r\n", MALFORMED),
                rejected("no version", "GET /\r\nHost: a\r\n\r\n", MALFORMED),

                rejected("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", BAD_VERSION),
                rejected("HTTP/3.0", "GET / HTTP/3.0\r\nHost: a\r\n\r\n", BAD_VERSION),
                rejected("HTTP/2.0 with Transfer-Encoding",
                        "POST / HTTP/2.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", BAD_VERSION),

                rejected("bare LF line endings", "GET / HTTP/1.1\nHost: a\n\n", MALFORMED),
                rejected("bare LF ending the head", "GET / HTTP/1.1\r\nHost: a\r\n\n", MALFORMED),
                rejected("a line of garbage", "hello world\r\n\r\n", MALFORMED),
                rejected("binary garbage", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003", MALFORMED),
                rejected("NUL bytes", "\u0000\u0000\u0000\u0000\r\n\r\n", MALFORMED),

                rejected("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", NO_CONNECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedHeads")
    void requestWithABadHeadIsAnsweredByTheProxyAndNeverReachesTheBackend(String name, String request,
                                                                          String answer) throws Exception {
        try (RawClient client = proxy.client()) {
            client.send(request);
            assertAnsweredAndClosed(client, answer);
        }
        assertThat(backend.connectionsAccepted()).isZero();
        assertThat(backend.requests()).isEmpty();
    }

    static Stream<Arguments> rejectedChunkedBodies() {
        return Stream.of(
                rejected("chunk size that is not hex", chunked("zz\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk size with a sign", chunked("+5\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk size with a space inside", chunked("5 5\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("empty chunk size", chunked("\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk size beyond an int", chunked("fffffffffff\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk extension with a control character",
                        chunked("5;a\u0001b\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk extension with an unterminated quote",
                        chunked("5;a=\"b\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("bare LF after the chunk size", chunked("5\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("no CRLF after the chunk data", chunked("5\r\nhelloX\r\n0\r\n\r\n"), BAD_BODY),
                rejected("chunk data longer than its size", chunked("3\r\nhello\r\n0\r\n\r\n"), BAD_BODY),
                rejected("bare LF after the chunk data", chunked("5\r\nhello\n0\r\n\r\n"), BAD_BODY),
                rejected("invalid trailer name", chunked("5\r\nhello\r\n0\r\nBad Name: x\r\n\r\n"), BAD_BODY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedChunkedBodies")
    void requestWithABadChunkedBodyIsAnsweredByTheProxyAndNeverCompletesAtTheBackend(String name, String request,
                                                                                     String answer) throws Exception {
        try (RawClient client = proxy.client()) {
            client.send(request);
            assertAnsweredAndClosed(client, answer);
        }
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> backend.requests().isEmpty());
        assertThat(backend.failures()).isEmpty();
    }

    static Stream<Arguments> badContinuations() {
        return Stream.of(
                Arguments.of("chunk size that is not hex", "zz\r\nworld\r\n0\r\n\r\n"),
                Arguments.of("no CRLF after the chunk data", "5\r\nworldX\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badContinuations")
    void badChunkAfterTheHeadWasForwardedLeavesTheBackendAnIncompleteRequest(String name, String rest)
            throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        AtomicBoolean ended = new AtomicBoolean();
        backend.script(connection -> {
            int b;
            while ((b = connection.input().read()) != -1) {
                synchronized (seen) {
                    seen.write(b);
                }
            }
            ended.set(true);
        });
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> text(seen).endsWith("5\r\nhello\r\n"));

            client.send(rest);
            assertAnsweredAndClosed(client, BAD_BODY);
        }
        await().atMost(Duration.ofSeconds(5)).untilTrue(ended);
        String forwarded = text(seen);
        assertThat(forwarded).startsWith("POST /upload HTTP/1.1\r\n");
        String body = forwarded.substring(forwarded.indexOf("\r\n\r\n") + 4);
        assertThat(body).startsWith("5\r\nhello\r\n").doesNotContain("zz").doesNotContain("X")
                .doesNotContain("0\r\n\r\n");
    }

    @Test
    void garbageAfterABadRequestDoesNotCostTheClientTheAnswer() throws Exception {
        byte[] garbage = new byte[4 * 1024 * 1024];
        Arrays.fill(garbage, (byte) 'x');
        ByteArrayOutputStream write = new ByteArrayOutputStream();
        write.writeBytes("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        write.writeBytes(garbage);
        try (RawClient client = proxy.client()) {
            client.send(write.toByteArray());
            assertAnsweredAndClosed(client, MALFORMED);
        }
        assertThat(backend.connectionsAccepted()).isZero();
    }

    @Test
    void garbageAfterABadRequestOnAConnectionThatServedOneDoesNotCostTheClientTheAnswer() throws Exception {
        byte[] garbage = new byte[4 * 1024 * 1024];
        Arrays.fill(garbage, (byte) 0);
        try (RawClient client = proxy.client()) {
            assertThat(client.get("/first").bodyText()).isEqualTo("from backend");
            ByteArrayOutputStream write = new ByteArrayOutputStream();
            write.writeBytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            write.writeBytes(garbage);
            client.send(write.toByteArray());
            assertAnsweredAndClosed(client, BAD_FRAMING);
        }
        assertThat(backend.requests()).hasSize(1);
    }

    @Test
    void headLargerThanOneReadIsForwarded() throws Exception {
        String padding = "p".repeat(MAX_HEADERS - 100);
        try (RawClient client = proxy.client()) {
            client.send("GET /large HTTP/1.1\r\nHost: a\r\nX-Padding: " + padding + "\r\n\r\n");
            assertThat(client.response().bodyText()).isEqualTo("from backend");
        }
        assertThat(backend.requests().get(0).header("X-Padding")).isEqualTo(padding);
    }

    @Test
    void requestArrivingInPiecesIsForwardedWhole() throws Exception {
        String request = "POST /pieces HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        try (RawClient client = proxy.client()) {
            for (int i = 0; i < request.length(); i += 7) {
                client.send(request.substring(i, Math.min(request.length(), i + 7)));
                // Pauses so that the pieces arrive in separate reads rather than coalesced.
                Thread.sleep(5);
            }
            assertThat(client.response().bodyText()).isEqualTo("from backend");
            assertThat(client.get("/next").bodyText()).isEqualTo("from backend");
        }
        HttpMessage forwarded = backend.requests().get(0);
        assertThat(forwarded.startLine()).isEqualTo("POST /pieces HTTP/1.1");
        assertThat(forwarded.bodyText()).isEqualTo("hello world");
        assertThat(forwarded.trailer("X-Trailer")).isEqualTo("t");
    }

    @Test
    void obsFoldArrivingInPiecesIsRejected() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\nX-Name: one\r\n");
            Thread.sleep(20);
            client.send(" two\r\n\r\n");
            assertAnsweredAndClosed(client, MALFORMED);
        }
        assertThat(backend.connectionsAccepted()).isZero();
    }

    @Test
    void absoluteFormReachesTheBackendInOriginFormWithItsHost() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET http://example.com/x?y HTTP/1.1\r\nHost: other.example\r\n\r\n");
            assertThat(client.response().bodyText()).isEqualTo("from backend");
        }
        HttpMessage forwarded = backend.requests().get(0);
        assertThat(forwarded.startLine()).isEqualTo("GET /x?y HTTP/1.1");
        assertThat(forwarded.headers("Host")).containsExactly("example.com");
        assertThat(forwarded.header("X-Forwarded-Host")).isEqualTo("example.com");
    }

    @Test
    void optionsAsteriskIsForwarded() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(client.response().status()).isEqualTo(200);
            client.send("OPTIONS http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(client.response().status()).isEqualTo(200);
        }
        assertThat(backend.requests()).extracting(HttpMessage::startLine)
                .containsExactly("OPTIONS * HTTP/1.1", "OPTIONS * HTTP/1.1");
    }

    @Test
    void http10WithoutHostIsForwardedWithAHostTheBackendCanUse() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("GET /old HTTP/1.0\r\n\r\n");
            HttpMessage response = client.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("from backend");
            assertThat(client.isClosedByPeer(2000)).isTrue();
        }
        HttpMessage forwarded = backend.requests().get(0);
        assertThat(forwarded.startLine()).isEqualTo("GET /old HTTP/1.1");
        assertThat(forwarded.headers("Host")).containsExactly(backend.address().toString());
        assertThat(forwarded.header("X-Forwarded-Host")).isNull();
    }

    @Test
    void lowerCaseMethodIsATokenAndForwardedAsItIs() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("get /x HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(client.response().status()).isEqualTo(200);
        }
        assertThat(backend.requests().get(0).startLine()).isEqualTo("get /x HTTP/1.1");
    }

    @Test
    void higherMinorVersionIsServedAsHttp11() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /v HTTP/1.2\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            HttpMessage response = client.response();
            assertThat(response.startLine()).startsWith("HTTP/1.1 200");
            assertThat(client.get("/again").bodyText()).isEqualTo("from backend");
        }
        assertThat(backend.requests().get(0).startLine()).isEqualTo("POST /v HTTP/1.1");
        assertThat(backend.requests().get(0).bodyText()).isEqualTo("hello");
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersArrivesReframedAndIntact() throws Exception {
        try (RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + "5;name=value\r\nhello\r\n"
                    + "6 ; a ; b=\"quoted ; \\\"text\\\"\"\r\n world\r\n"
                    + "000;last\r\nX-Checksum: abc123\r\nX-Other: 1\r\n\r\n");
            assertThat(client.response().bodyText()).isEqualTo("from backend");
            assertThat(client.get("/after").bodyText()).isEqualTo("from backend");
        }
        HttpMessage forwarded = backend.requests().get(0);
        assertThat(forwarded.startLine()).isEqualTo("POST /upload HTTP/1.1");
        assertThat(forwarded.headers("Transfer-Encoding")).containsExactly("chunked");
        assertThat(forwarded.header("Content-Length")).isNull();
        assertThat(forwarded.bodyText()).isEqualTo("hello world");
        assertThat(forwarded.trailer("X-Checksum")).isEqualTo("abc123");
        assertThat(forwarded.trailer("X-Other")).isEqualTo("1");
        assertThat(backend.requests().get(1).startLine()).isEqualTo("GET /after HTTP/1.1");
    }

    @Test
    void chunkExtensionsAreNotForwarded() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        RawBackend raw = RawBackend.start(connection -> {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = connection.input().read(buffer)) != -1) {
                synchronized (seen) {
                    seen.write(buffer, 0, n);
                    if (text(seen).endsWith("0\r\n\r\n")) {
                        connection.respond("ok");
                    }
                }
            }
        });
        try (raw; ProxyFixture rawProxy = ProxyFixture.start(raw.address()); RawClient client = rawProxy.client()) {
            client.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0;end\r\n\r\n");
            assertThat(client.response().bodyText()).isEqualTo("ok");
        }
        String forwarded = text(seen);
        assertThat(forwarded.substring(forwarded.indexOf("\r\n\r\n") + 4)).isEqualTo("5\r\nhello\r\n0\r\n\r\n");
    }

    private static void assertAnsweredAndClosed(RawClient client, String answer) throws Exception {
        HttpMessage response = client.response();
        String status = answer.substring(0, 3);
        assertThat(response.startLine()).startsWith("HTTP/1.1 " + status + " ");
        assertThat(response.bodyText()).isEqualTo(answer);
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(client.isClosedByPeer(5000)).as("closed by the proxy").isTrue();
    }

    private static Arguments rejected(String name, String request, String answer) {
        return Arguments.of(name, request, answer);
    }

    private static String get(String field) {
        return "GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n\r\n";
    }

    private static String post(String fields, String body) {
        return "POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n\r\n" + body;
    }

    private static String chunked(String body) {
        return post("Transfer-Encoding: chunked", body);
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
