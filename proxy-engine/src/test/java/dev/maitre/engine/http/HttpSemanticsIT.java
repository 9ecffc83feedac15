package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RouteConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 as a client and a backend see it through the proxy: connection management, HTTP/1.0
 * clients, HEAD, interim answers, bodiless statuses, framing, pipelining, trailers, hop-by-hop and
 * forwarding headers, and routing.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpSemanticsIT {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    // Connection management

    @Test
    void keepAliveConnectionServesRequestsOneAfterAnotherOverOneBackendConnection() throws Exception {
        try (RawBackend backend = RawBackend.replying(ok("one"), ok("two"), ok("three"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            assertThat(client.get("/1").bodyText()).isEqualTo("one");
            assertThat(client.get("/2").bodyText()).isEqualTo("two");
            assertThat(client.get("/3").bodyText()).isEqualTo("three");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void clientConnectionCloseIsHonouredAfterTheResponseAndNotPassedToTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.replying(OK, OK);
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(1).start()) {
            try (RawClient client = proxy.client()) {
                HttpMessage response = client.send("GET / HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\n\r\n")
                        .response();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("connection")).isEqualToIgnoringCase("close");
                assertThat(client.isClosedByPeer(5000)).isTrue();
            }
            assertThat(backend.requests().get(0).header("connection")).isNull();
            try (RawClient client = proxy.client()) {
                assertThat(client.get("/again").status()).isEqualTo(200);
            }
            assertThat(backend.connectionsAccepted()).as("the backend connection stays pooled").isEqualTo(1);
        }
    }

    @Test
    void backendConnectionCloseKeepsTheClientConnectionButRetiresTheBackendConnection() throws Exception {
        CountDownLatch firstBackendConnectionClosed = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.readRequest();
                 connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nfirst");
                 // Keeps its end open: only the proxy can end this connection.
                 if (connection.input().read() == -1) {
                     firstBackendConnectionClosed.countDown();
                 }
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage first = client.get("/1");
            assertThat(first.bodyText()).isEqualTo("first");
            assertThat(first.header("connection")).isNull();
            assertThat(firstBackendConnectionClosed.await(5, TimeUnit.SECONDS)).isTrue();

            backend.script(connection -> {
                connection.readRequest();
                connection.respond("second");
            });
            assertThat(client.get("/2").bodyText()).isEqualTo("second");
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    // HTTP/1.0 clients

    @Test
    void http10ClientIsAnsweredAndThenClosed() throws Exception {
        try (RawBackend backend = RawBackend.replying(ok("hello"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET / HTTP/1.0\r\n\r\n").response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("hello");
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(5000)).isTrue();
        }
    }

    @Test
    void http10ClientAskingForKeepAliveKeepsItsConnectionWhenTheLengthIsKnown() throws Exception {
        try (RawBackend backend = RawBackend.replying(ok("one"), ok("two"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            String request = "GET / HTTP/1.0\r\nHost: test.local\r\nConnection: keep-alive\r\n\r\n";
            HttpMessage first = client.send(request).response();
            assertThat(first.bodyText()).isEqualTo("one");
            assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");

            HttpMessage second = client.send(request).response();
            assertThat(second.bodyText()).isEqualTo("two");
        }
    }

    @Test
    void http10ClientGetsACloseDelimitedBodyInsteadOfChunked() throws Exception {
        try (RawBackend backend = RawBackend.replying(
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET / HTTP/1.0\r\nHost: test.local\r\nConnection: keep-alive\r\n\r\n")
                    .response();

            assertThat(response.header("transfer-encoding")).isNull();
            assertThat(response.header("content-length")).isNull();
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(response.bodyText()).as("read until the proxy closed").isEqualTo("hello world");
        }
    }

    // HEAD, interim answers, bodiless statuses

    @Test
    void headKeepsContentLengthSendsNoBodyAndLeavesTheConnectionUsable() throws Exception {
        try (RawBackend backend = RawBackend.replying(
                     "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n", ok("after"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage head = client.send("HEAD /file HTTP/1.1\r\nHost: test.local\r\n\r\n").headResponse();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1234");

            // Any body byte after the HEAD answer would be read as the next status line.
            assertThat(client.get("/next").bodyText()).isEqualTo("after");
            assertThat(backend.requests()).extracting(HttpMessage::method).containsExactly("HEAD", "GET");
        }
    }

    @Test
    void expectContinueLetsTheBackendsHundredThroughBeforeTheBodyAndThenTheFinalAnswer() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 HttpMessage head = HttpMessage.readHead(connection.input());
                 assertThat(head.header("expect")).isEqualToIgnoringCase("100-continue");
                 connection.write("HTTP/1.1 100 Continue\r\n\r\n");
                 byte[] body = connection.input().readNBytes((int) head.contentLength());
                 connection.respond("got " + new String(body));
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("PUT /doc HTTP/1.1\r\nHost: test.local\r\nExpect: 100-continue\r\nContent-Length: 7\r\n\r\n");
            HttpMessage interim = client.response();
            assertThat(interim.status()).isEqualTo(100);

            HttpMessage response = client.send("payload").response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("got payload");
            assertThat(backend.failures()).isEmpty();
        }
    }

    private static final String EARLY_HINTS_THEN_OK =
            "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n" + ok("page");

    @Test
    void earlyHintsAreForwardedBeforeTheFinalResponse() throws Exception {
        try (RawBackend backend = RawBackend.replying(EARLY_HINTS_THEN_OK);
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: test.local\r\n\r\n");
            HttpMessage hints = client.response();
            HttpMessage response = client.response();

            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("link")).isEqualTo("</style.css>; rel=preload; as=style");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("page");
        }
    }

    @Test
    void interimAnswersAreNotSentToHttp10Clients() throws Exception {
        try (RawBackend backend = RawBackend.replying(EARLY_HINTS_THEN_OK);
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET / HTTP/1.0\r\nHost: test.local\r\n\r\n").response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("page");
        }
    }

    @Test
    void noContentAndNotModifiedCarryNoBodyAndTheConnectionStaysUsable() throws Exception {
        try (RawBackend backend = RawBackend.replying(
                     "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
                     "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 5000\r\n\r\n",
                     ok("after"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage noContent = client.get("/a");
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("content-length")).isNull();
            assertThat(noContent.header("transfer-encoding")).isNull();

            HttpMessage notModified = client.send("GET /b HTTP/1.1\r\nHost: test.local\r\nIf-None-Match: \"v1\"\r\n\r\n")
                    .response();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("etag")).isEqualTo("\"v1\"");
            assertThat(notModified.header("transfer-encoding")).isNull();

            assertThat(client.get("/c").bodyText()).isEqualTo("after");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    // Framing, pipelining, trailers

    @Test
    void chunkedAndContentLengthBodiesPassBothWays() throws Exception {
        try (RawBackend backend = RawBackend.replying(
                     "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsized!",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nchu\r\n4\r\nnked\r\n0\r\n\r\n");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage first = client.send("POST /chunked HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").response();
            HttpMessage second = client.send("POST /sized HTTP/1.1\r\nHost: test.local\r\nContent-Length: 5\r\n\r\nhowdy")
                    .response();

            HttpMessage chunkedRequest = backend.requests().get(0);
            assertThat(chunkedRequest.isChunked()).isTrue();
            assertThat(chunkedRequest.bodyText()).isEqualTo("hello world");
            HttpMessage sizedRequest = backend.requests().get(1);
            assertThat(sizedRequest.contentLength()).isEqualTo(5);
            assertThat(sizedRequest.bodyText()).isEqualTo("howdy");

            assertThat(first.contentLength()).isEqualTo(6);
            assertThat(first.bodyText()).isEqualTo("sized!");
            assertThat(second.isChunked()).isTrue();
            assertThat(second.bodyText()).isEqualTo("chunked");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 if (request.target().equals("/a")) {
                     // The first answer is the slowest; the others must still wait for it.
                     Thread.sleep(200);
                 }
                 connection.respond(request.target() + ":" + request.bodyText());
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET /a HTTP/1.1\r\nHost: test.local\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: test.local\r\nContent-Length: 3\r\n\r\nbee"
                    + "GET /c HTTP/1.1\r\nHost: test.local\r\n\r\n");

            assertThat(client.response().bodyText()).isEqualTo("/a:");
            assertThat(client.response().bodyText()).isEqualTo("/b:bee");
            assertThat(client.response().bodyText()).isEqualTo("/c:");
            assertThat(backend.requests()).extracting(HttpMessage::target).containsExactly("/a", "/b", "/c");
        }
    }

    @Test
    void pipelinedRequestsStillWaitingWhenTheClientLeavesAreDroppedUnsent() throws Exception {
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch clientGone = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 firstArrived.countDown();
                 clientGone.await(5, TimeUnit.SECONDS);
                 connection.respond("late");
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address())) {
            RawClient client = proxy.client();
            // Bodies in the same packet as their heads: the waiting requests hold buffers that must be freed.
            client.send("POST /a HTTP/1.1\r\nHost: test.local\r\nContent-Length: 3\r\n\r\nayy"
                    + "POST /b HTTP/1.1\r\nHost: test.local\r\nContent-Length: 3\r\n\r\nbee"
                    + "POST /c HTTP/1.1\r\nHost: test.local\r\nContent-Length: 3\r\n\r\ncee");
            assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
            client.close();
            // The end of the client's input must reach the proxy before the answer does: both are
            // events on the same loop, and an answer handled first would let the next request start.
            // Nothing outside shows that the proxy saw it, so the answer waits long enough for a
            // loaded machine (200 ms once lost this race under a fuzzing run).
            Thread.sleep(1000);
            clientGone.countDown();

            Thread.sleep(300);
            assertThat(backend.requests()).extracting(HttpMessage::target).containsExactly("/a");
        }
    }

    @Test
    void requestTrailersReachTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.replying(OK);
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + "4\r\ndata\r\n0\r\nX-Checksum: abc123\r\n\r\n").response();

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.bodyText()).isEqualTo("data");
            assertThat(seen.trailer("x-checksum")).isEqualTo("abc123");
        }
    }

    @Test
    void responseTrailersReachTheClient() throws Exception {
        try (RawBackend backend = RawBackend.replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     + "Trailer: X-Checksum\r\n\r\n4\r\ndata\r\n0\r\nX-Checksum: def456\r\n\r\n");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET / HTTP/1.1\r\nHost: test.local\r\nTE: trailers\r\n\r\n").response();

            assertThat(response.bodyText()).isEqualTo("data");
            assertThat(response.trailer("x-checksum")).isEqualTo("def456");
        }
    }

    // Headers

    @Test
    void hopByHopHeadersAreRemovedBothWaysWhileEndToEndHeadersPass() throws Exception {
        try (RawBackend backend = RawBackend.replying("HTTP/1.1 200 OK\r\nConnection: x-bar\r\nX-Bar: 1\r\n"
                     + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nTrailer: X-T\r\n"
                     + "X-Kept: response\r\nCache-Control: no-store\r\nContent-Length: 2\r\n\r\nok");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            HttpMessage response = client.send("GET / HTTP/1.1\r\nHost: test.local\r\nConnection: x-foo\r\nX-Foo: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-T\r\n"
                    + "Upgrade: websocket\r\nX-Kept: request\r\nAccept: text/plain\r\n\r\n").response();

            HttpMessage seen = backend.requests().get(0);
            for (String hopByHop : List.of("connection", "x-foo", "keep-alive", "proxy-connection", "te", "trailer", "upgrade")) {
                assertThat(seen.header(hopByHop)).as("request " + hopByHop).isNull();
            }
            assertThat(seen.header("x-kept")).isEqualTo("request");
            assertThat(seen.header("accept")).isEqualTo("text/plain");

            for (String hopByHop : List.of("connection", "x-bar", "keep-alive", "proxy-connection", "upgrade", "trailer")) {
                assertThat(response.header(hopByHop)).as("response " + hopByHop).isNull();
            }
            assertThat(response.header("x-kept")).isEqualTo("response");
            assertThat(response.header("cache-control")).isEqualTo("no-store");
            assertThat(response.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void forwardingHeadersDescribeTheClientAndHostPassesUnchanged() throws Exception {
        try (RawBackend backend = RawBackend.replying(OK, OK);
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("GET / HTTP/1.1\r\nHost: Shop.Example:8443\r\nX-Forwarded-For: 203.0.113.7\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n").response();
            client.send("GET / HTTP/1.1\r\nHost: plain.example\r\n\r\n").response();

            HttpMessage relayed = backend.requests().get(0);
            assertThat(relayed.header("host")).isEqualTo("Shop.Example:8443");
            assertThat(relayed.header("x-forwarded-for")).as("the client is no trusted proxy").isEqualTo("127.0.0.1");
            assertThat(relayed.header("x-forwarded-proto")).isEqualTo("http");
            assertThat(relayed.header("x-forwarded-host")).isEqualTo("Shop.Example:8443");

            HttpMessage direct = backend.requests().get(1);
            assertThat(direct.header("host")).isEqualTo("plain.example");
            assertThat(direct.header("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(direct.header("x-forwarded-host")).isEqualTo("plain.example");
        }
    }

    // Routing

    @Test
    void requestsAreRoutedByHostAndPathPrefixFirstMatchWinningAndTheRestGet404() throws Exception {
        try (RawBackend v2 = RawBackend.answering("v2");
             RawBackend api = RawBackend.answering("api");
             RawBackend assets = RawBackend.answering("assets");
             RawBackend wildcard = RawBackend.answering("wildcard");
             ProxyFixture proxy = ProxyFixture.builder(api.address())
                     .cluster("v2", v2.address())
                     .cluster("api", api.address())
                     .cluster("assets", assets.address())
                     .cluster("wildcard", wildcard.address())
                     .routes(List.of(
                             new RouteConfig("api.example.com", "/v2", "v2"),
                             new RouteConfig("api.example.com", null, "api"),
                             new RouteConfig(null, "/static", "assets"),
                             new RouteConfig("*.example.com", null, "wildcard")))
                     .start();
             RawClient client = proxy.client()) {
            assertThat(route(client, "api.example.com", "/v2/users")).isEqualTo("v2");
            assertThat(route(client, "API.Example.com:8080", "/v2")).isEqualTo("v2");
            assertThat(route(client, "api.example.com", "/v1/users")).isEqualTo("api");
            assertThat(route(client, "api.example.com", "/static/app.js")).isEqualTo("api");
            assertThat(route(client, "www.example.com", "/static/app.js")).isEqualTo("assets");
            assertThat(route(client, "other.org", "/static/app.js")).isEqualTo("assets");
            assertThat(route(client, "www.example.com", "/v2")).isEqualTo("wildcard");
            assertThat(route(client, "a.b.example.com", "/")).isEqualTo("wildcard");

        }
    }

    @Test
    void requestMatchingNoRouteIsAnswered404() throws Exception {
        try (RawBackend backend = RawBackend.answering("never");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .routes(List.of(new RouteConfig("*.example.com", "/app", ProxyFixture.CLUSTER)))
                     .start()) {
            for (String host : List.of("example.com", "www.example.com", "other.org")) {
                try (RawClient client = proxy.client()) {
                    String path = host.equals("www.example.com") ? "/static" : "/app";
                    HttpMessage response = client.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").response();
                    assertThat(response.status()).as(host + path).isEqualTo(404);
                    assertThat(response.bodyText()).contains("no route");
                    assertThat(response.header("Connection")).isNull();
                    assertThat(client.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").response().status())
                            .as("the connection serves the next request").isEqualTo(404);
                }
            }
            try (RawClient client = proxy.client()) {
                HttpMessage response = client.send("POST /x HTTP/1.1\r\nHost: other.org\r\nContent-Length: 3\r\n\r\nabc").response();
                assertThat(response.status()).isEqualTo(404);
                assertThat(response.header("Connection")).as("an unread body ends the connection").isEqualTo("close");
                assertThat(client.isClosedByPeer(3000)).isTrue();
            }
            assertThat(backend.connectionsAccepted()).isZero();
        }
    }

    private static String route(RawClient client, String host, String path) throws IOException {
        HttpMessage response = client.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").response();
        assertThat(response.status()).as(host + path).isEqualTo(200);
        return response.bodyText();
    }
}
