package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Http2Backend;
import dev.maitre.testing.Http2Exchange;
import dev.maitre.testing.Http2Exchange.Answer;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TlsBackend;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * maitre speaks HTTP/2 to a cluster's backends ({@code protocol: h2c}, and {@code h2} over TLS) on
 * behalf of HTTP/1.1 clients, against a real HTTP/2 server scripted per test: what the backend reads,
 * what the client gets, streams multiplexed on few connections within the backend's limit, requests
 * the backend did not process (GOAWAY, REFUSED_STREAM) sent again whatever their method, a silent
 * connection found dead by PING, and answers read no faster than their client takes them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2BackendIT {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;

    @TempDir
    static Path dir;
    private static TestCertificates.Authority ca;
    private static Path caFile;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.authority("maitre test CA");
        caFile = ca.writeCertificate(dir, "ca.pem");
    }

    @BeforeEach
    void watchLogs() {
        logged.start();
        root().addAppender(logged);
    }

    @AfterEach
    void noWarnings() {
        root().detachAppender(logged);
        // The fixture's shutdown with no grace period may find a client connection whose end it has not read yet.
        assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> !line.startsWith("grace period PT0S over: closing")).isEmpty();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static ProxyFixture.Builder h2c(Http2Backend backend) {
        return ProxyFixture.builder(backend.address()).clusterProtocol(BackendProtocol.H2C);
    }

    // What passes

    @Test
    void aGetReachesTheBackendAsHttp2PseudoHeadersAndLowerCaseFieldsWithoutConnectionFields() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("hello from h2")
                     .header("x-backend", "yes").header("content-type", "text/plain")).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("GET /greet/here?x=1 HTTP/1.1\r\nHost: app.test\r\nConnection: keep-alive, X-Hop\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Hop: gone\r\nTE: trailers\r\nX-Custom-Field: Kept\r\n\r\n");
            HttpMessage response = client.response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-backend")).isEqualTo("yes");
            assertThat(response.header("content-type")).isEqualTo("text/plain");
            assertThat(response.bodyText()).isEqualTo("hello from h2");
            Http2Exchange.Request seen = backend.requests().get(0);
            assertThat(seen.method()).isEqualTo("GET");
            assertThat(seen.path()).isEqualTo("/greet/here?x=1");
            assertThat(seen.authority()).isEqualTo("app.test");
            assertThat(seen.scheme()).isEqualTo("http");
            assertThat(seen.header("x-custom-field")).isEqualTo("Kept");
            assertThat(seen.header("te")).isEqualTo("trailers");
            assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(seen.fieldNames()).allMatch(name -> name.equals(name.toLowerCase()))
                    .doesNotContain("host", "connection", "keep-alive", "x-hop", "transfer-encoding", "upgrade",
                            "proxy-connection");
            assertThat(seen.body()).isEmpty();

            assertThat(client.get("/again").status()).isEqualTo(200);
            assertThat(backend.connections()).hasSize(1);
        }
    }

    @Test
    void aOneMebibytePostWithContentLengthAndOneChunkedArriveWhole() throws Exception {
        byte[] body = bytes(MIB);
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("got " + request.body().length)).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + body.length + "\r\n\r\n");
            client.send(body);
            HttpMessage sized = client.response();
            client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int at = 0; at < body.length; at += 100 * KIB) {
                int length = Math.min(100 * KIB, body.length - at);
                client.send(Integer.toHexString(length) + "\r\n");
                client.send(Arrays.copyOfRange(body, at, at + length));
                client.send("\r\n");
            }
            client.send("0\r\n\r\n");
            HttpMessage chunked = client.response();

            assertThat(sized.status()).isEqualTo(200);
            assertThat(sized.bodyText()).isEqualTo("got " + MIB);
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(chunked.bodyText()).isEqualTo("got " + MIB);
            assertThat(backend.requests()).hasSize(2).allSatisfy(seen -> {
                assertThat(seen.method()).isEqualTo("POST");
                assertThat(seen.body()).isEqualTo(body);
                assertThat(seen.fieldNames()).doesNotContain("transfer-encoding");
            });
            assertThat(backend.requests().get(0).header("content-length")).isEqualTo(String.valueOf(MIB));
        }
    }

    @Test
    void theBackendsTrailersReachAChunkedHttp11Client() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("with trailers")
                     .trailer("x-checksum", "abc123").trailer("grpc-status", "0")).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("GET /t HTTP/1.1\r\nHost: app.test\r\nTE: trailers\r\n\r\n");
            HttpMessage response = client.response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.isChunked()).isTrue();
            assertThat(response.bodyText()).isEqualTo("with trailers");
            assertThat(response.trailer("x-checksum")).isEqualTo("abc123");
            assertThat(response.trailer("grpc-status")).isEqualTo("0");
        }
    }

    @Test
    void headAnswersA204AndAnInterimAnswerAreFramedForTheClient() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> switch (request.path()) {
                 case "/head" -> Answer.status(200).header("content-length", "1234");
                 case "/none" -> Answer.status(204).header("x-none", "1");
                 default -> Answer.ok("after early hints").interim(103);
             }).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("HEAD /head HTTP/1.1\r\nHost: app.test\r\n\r\n");
            HttpMessage head = client.headResponse();
            HttpMessage none = client.get("/none");
            client.send("GET /hints HTTP/1.1\r\nHost: app.test\r\n\r\n");
            HttpMessage interim = client.response();
            HttpMessage last = client.response();

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1234");
            assertThat(none.status()).isEqualTo(204);
            assertThat(none.header("x-none")).isEqualTo("1");
            assertThat(interim.status()).isEqualTo(103);
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.bodyText()).isEqualTo("after early hints");
            assertThat(backend.requests()).extracting(Http2Exchange.Request::method).containsExactly("HEAD", "GET", "GET");
            assertThat(backend.connections()).hasSize(1);
        }
    }

    @Test
    void anHttp10RequestWithoutHostStillNamesAnAuthority() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("to " + request.authority())).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("GET /old HTTP/1.0\r\n\r\n");
            HttpMessage response = client.response();

            assertThat(response.status()).isEqualTo(200);
            assertThat(backend.requests()).singleElement().satisfies(seen -> {
                assertThat(seen.path()).isEqualTo("/old");
                assertThat(seen.authority()).isNotBlank();
            });
        }
    }

    @Test
    void aClientThatGoesAwayResetsItsStreamAndTheConnectionServesOn() throws Exception {
        List<Http2Exchange> slow = new CopyOnWriteArrayList<>();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (exchange.request().path().equals("/slow")) {
                     slow.add(exchange);
                 } else {
                     exchange.respond(Answer.ok("quick"));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).start();
             RawClient next = proxy.client()) {
            try (RawClient leaving = proxy.client()) {
                leaving.send("GET /slow HTTP/1.1\r\nHost: app.test\r\n\r\n");
                while (slow.isEmpty()) {
                    Thread.sleep(10);
                }
                // a reset: a client's FIN alone is a half-close, which still gets its answer
                leaving.socket().setSoLinger(true, 0);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!slow.get(0).wasReset() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }

            assertThat(slow.get(0).wasReset()).as("the stream was reset").isTrue();
            assertThat(next.get("/").bodyText()).isEqualTo("quick");
            assertThat(backend.connections()).hasSize(1);
        }
    }

    @Test
    void aBackendSlowerThanTheResponseTimeoutIsA504AndItsStreamIsReset() throws Exception {
        List<Http2Exchange> slow = new CopyOnWriteArrayList<>();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (exchange.request().path().equals("/slow")) {
                     slow.add(exchange);
                 } else {
                     exchange.respond(Answer.ok("quick"));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).clusterTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500))
                     .start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/slow").status()).isEqualTo(504);
            assertThat(client.get("/").bodyText()).isEqualTo("quick");

            assertThat(slow).singleElement().satisfies(exchange -> assertThat(exchange.wasReset()).isTrue());
            assertThat(backend.connections()).hasSize(1);
        }
    }

    // Multiplexing

    @ParameterizedTest(name = "{0} worker loops")
    @ValueSource(ints = {1, 2})
    void fiftyConcurrentRequestsShareAFewBackendConnections(int workers) throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("slow").after(Duration.ofMillis(300)))
                     .start();
             ProxyFixture proxy = h2c(backend).workers(workers).start()) {
            List<HttpMessage> responses = concurrentGets(proxy, 50);

            assertThat(responses).extracting(HttpMessage::status).containsOnly(200);
            // one connection per worker loop (50 streams fit in the 100 maitre opens on one), and slack
            assertThat(backend.connections().size()).isBetween(1, workers * 1 + 2);
            assertThat(backend.maxConcurrentStreamsSeen()).isGreaterThan(1);
        }
    }

    @Test
    void theBackendsMaxConcurrentStreamsIsNeverExceeded() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("slow").after(Duration.ofMillis(50)))
                     .maxConcurrentStreams(2).start();
             ProxyFixture proxy = h2c(backend).workers(2).start()) {
            List<HttpMessage> responses = concurrentGets(proxy, 50);

            assertThat(responses).extracting(HttpMessage::status).containsOnly(200);
            assertThat(backend.requests()).hasSize(50);
            assertThat(backend.maxConcurrentStreamsSeen()).isEqualTo(2);
        }
    }

    // Requests the backend did not process

    @Test
    void streamsAGoAwayLeftOutAreSentAgainOnANewConnectionEvenPosts() throws Exception {
        List<Http2Exchange> held = new CopyOnWriteArrayList<>();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (exchange.connection().index() > 0) {
                     exchange.respond(answerTo(exchange));
                     return;
                 }
                 held.add(exchange);
                 if (held.size() == 6) {
                     // streams above the third are left out: the backend closes them unanswered
                     int last = held.stream().mapToInt(Http2Exchange::streamId).sorted().skip(2).findFirst().orElseThrow();
                     exchange.connection().goAway(last);
                     held.stream().filter(kept -> kept.streamId() <= last)
                             .forEach(kept -> kept.respond(answerTo(kept).after(Duration.ofMillis(100))));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).start()) {
            List<HttpMessage> responses = concurrentPosts(proxy, 6);

            assertThat(responses).extracting(HttpMessage::status).containsOnly(200);
            // each client got the answer to its own request, three of them from a new connection
            for (int i = 0; i < responses.size(); i++) {
                assertThat(responses.get(i).bodyText()).endsWith(": post " + i);
            }
            assertThat(responses).extracting(HttpMessage::bodyText).filteredOn(body -> body.startsWith("0: ")).hasSize(3);
            assertThat(backend.requests().stream().filter(r -> r.connection() == 0)).hasSize(6);
            assertThat(backend.requests().stream().filter(r -> r.connection() > 0)).hasSize(3);
            assertThat(backend.connections().get(0).awaitClosed(5000)).as("the GOAWAY's connection closed").isTrue();
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.RESPONSE);
        }
    }

    @Test
    void aBackendThatEndsEachConnectionAfterTwoRequestsGetsEveryRequestOnAFreshOne() throws Exception {
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 exchange.respond(answerTo(exchange));
                 if (exchange.connection().streams() == 2) {
                     // after the answer: the GOAWAY may meet a request maitre sent meanwhile
                     exchange.connection().goAway(exchange.streamId());
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).pool(8, Duration.ofSeconds(30)).start();
             RawClient client = proxy.client()) {
            for (int i = 0; i < 6; i++) {
                assertThat(post(client, "post " + i).bodyText()).endsWith(": post " + i);
            }

            assertThat(backend.connections()).hasSizeGreaterThanOrEqualTo(3);
            // closed once their streams ended, long before the pool's idle timeout
            assertThat(backend.connections().get(0).awaitClosed(3000)).isTrue();
            assertThat(backend.connections().get(1).awaitClosed(3000)).isTrue();
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.RESPONSE);
        }
    }

    @Test
    void aConnectionWithNoStreamOpenIsClosedAfterThePoolsIdleTimeout() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("once")).start();
             ProxyFixture proxy = h2c(backend).pool(8, Duration.ofMillis(500)).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/").status()).isEqualTo(200);

            assertThat(backend.connections().get(0).awaitClosed(3000)).as("closed when idle").isTrue();
            assertThat(client.get("/").status()).isEqualTo(200);
            assertThat(backend.connections()).hasSize(2);
        }
    }

    @Test
    void aRefusedStreamIsSentAgainEvenAPost() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (seen.incrementAndGet() == 1) {
                     exchange.refuse();
                 } else {
                     exchange.respond(answerTo(exchange));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            HttpMessage response = post(client, "post 0");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("1: post 0");
            assertThat(backend.requests()).extracting(Http2Exchange.Request::bodyText).containsExactly("post 0", "post 0");
            assertThat(client.get("/after").status()).isEqualTo(200);
        }
    }

    @Test
    void aBackendThatRefusesEveryStreamIsA502AfterTheRetries() throws Exception {
        try (Http2Backend backend = Http2Backend.scripted(Http2Exchange::refuse).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            HttpMessage response = post(client, "refused");

            assertThat(response.status()).isEqualTo(502);
            assertThat(backend.requests()).hasSize(2);
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.RESET);
        }
    }

    // Dead connections

    @Test
    void aConnectionThatStopsAnsweringIsClosedAfterItsPingTimeoutAndTheNextRequestGetsANewOne() throws Exception {
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (!exchange.request().path().equals("/hang")) {
                     exchange.respond(Answer.ok("alive"));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).http2Liveness(Duration.ofSeconds(1), Duration.ofSeconds(1))
                     .start();
             RawClient first = proxy.client();
             RawClient hanging = proxy.client();
             RawClient next = proxy.client()) {
            assertThat(first.get("/").status()).isEqualTo(200);
            backend.answerPings(false);
            long start = System.nanoTime();
            // a POST, which is not sent again: a GET would be, on a fresh connection as silent as this one
            hanging.send("POST /hang HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\n\r\n");

            assertThat(backend.connections().get(0).awaitClosed(8000)).as("the silent connection closed").isTrue();
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closedAfterMillis).isBetween(1500L, 6000L);
            assertThat(backend.pings()).isPositive();
            assertThat(hanging.response().status()).isEqualTo(502);
            backend.answerPings(true);
            HttpMessage after = next.get("/");
            assertThat(after.status()).isEqualTo(200);
            assertThat(backend.requests().get(backend.requests().size() - 1).connection()).isEqualTo(1);
        }
    }

    @Test
    void aBackendThatDropsItsConnectionsMidAnswerCostsThatRequestOnlyAndTheNextGetsANewConnection() throws Exception {
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (exchange.request().path().equals("/drop")) {
                     exchange.connection().drop();
                 } else {
                     exchange.respond(Answer.ok("fine"));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            client.send("POST /drop HTTP/1.1\r\nHost: app.test\r\nContent-Length: 1\r\n\r\nx");
            assertThat(client.response().status()).isEqualTo(502);
            assertThat(client.get("/").status()).isEqualTo(200);
            assertThat(backend.connections()).hasSize(2);
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.RESET, Outcome.Kind.RESPONSE);
        }
    }

    @Test
    void aReusedConnectionDroppedUnderAGetIsRetriedOnAFreshOne() throws Exception {
        AtomicInteger drops = new AtomicInteger();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 if (exchange.request().path().equals("/drop") && drops.getAndIncrement() == 0) {
                     exchange.connection().drop();
                 } else {
                     exchange.respond(Answer.ok("served on " + exchange.connection().index()));
                 }
             }).start();
             ProxyFixture proxy = h2c(backend).workers(1).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/").bodyText()).isEqualTo("served on 0");
            // as a pooled HTTP/1.1 connection closed under a request: the backend may have closed it meanwhile
            assertThat(client.get("/drop").bodyText()).isEqualTo("served on 1");
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.RESPONSE);
        }
    }

    // TLS

    @Test
    void h2ChosenByAlpnOverTheClustersTlsCarriesRequestsAsHttps() throws Exception {
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("over h2 " + request.scheme()))
                     .tls(ca.issue(KeyKind.ECDSA, "backend.test")).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName("backend.test"))
                     .clusterProtocol(BackendProtocol.H2).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/").bodyText()).isEqualTo("over h2 https");
            assertThat(client.get("/").bodyText()).isEqualTo("over h2 https");
            assertThat(backend.connections()).hasSize(1);
        }
    }

    @Test
    void aTlsBackendThatDoesNotChooseH2IsA502SayingWhy() throws Exception {
        Logger exchangeLog = (Logger) LoggerFactory.getLogger(ProxyExchange.class);
        Level before = exchangeLog.getLevel();
        exchangeLog.setLevel(Level.DEBUG);
        try (TlsBackend backend = TlsBackend.presenting(ca.issue(KeyKind.RSA, "backend.test")).start();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName("backend.test"))
                     .clusterProtocol(BackendProtocol.H2).start();
             RawClient client = proxy.client()) {
            assertThat(client.get("/").status()).isEqualTo(502);

            // not even the HTTP/2 preface reaches it (it would read "PRI * HTTP/2.0" as a request)
            Thread.sleep(300);
            assertThat(backend.requests()).isEmpty();
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains(backend.address().toString())
                            .contains("did not choose h2 by ALPN (no protocol chosen)"));
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.CONNECT_FAILURE);
        } finally {
            exchangeLog.setLevel(before);
        }
    }

    // Flow control

    @Test
    void aSlowClientsDownloadOpensTheBackendsWindowOnlyAsItReads() throws Exception {
        long size = 64L * MIB;
        List<Http2Exchange> downloads = new CopyOnWriteArrayList<>();
        try (Http2Backend backend = Http2Backend.scripted(exchange -> {
                 downloads.add(exchange);
                 exchange.respond(Answer.status(200).generated(size));
             }).start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            long received;
            long stalledAt;
            long stalledLater;
            try (sampler) {
                client.send("GET /big HTTP/1.1\r\nHost: app.test\r\n\r\n");
                HttpMessage head = HttpMessage.readHead(client.input());
                assertThat(head.status()).isEqualTo(200);
                // the client reads nothing for a while: the backend must stop writing
                Thread.sleep(700);
                stalledAt = downloads.get(0).bodyBytesWritten();
                Thread.sleep(300);
                stalledLater = downloads.get(0).bodyBytesWritten();
                received = readChunkedSlowly(client.input());
            }
            System.out.printf("h2 download: backend stalled at %d bytes; max bufferedBytes %d%n", stalledAt,
                    sampler.maxBuffered());

            assertThat(stalledLater).isEqualTo(stalledAt).isLessThan(16L * MIB);
            assertThat(received).isEqualTo(size);
            assertThat(sampler.maxBuffered()).isLessThan(512 * KIB);
        }
    }

    @Test
    void anUploadToABackendThatDoesNotReadWaitsWithinTheStreamsWindow() throws Exception {
        long size = 64L * MIB;
        try (Http2Backend backend = Http2Backend.answering(request -> Answer.ok("never")).readingNoBody().start();
             ProxyFixture proxy = h2c(backend).start();
             RawClient client = proxy.client()) {
            AtomicLong sent = new AtomicLong();
            Thread uploader = new Thread(() -> {
                byte[] piece = new byte[64 * KIB];
                try {
                    client.send("POST /upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + size + "\r\n\r\n");
                    while (sent.get() < size) {
                        client.output().write(piece);
                        sent.addAndGet(piece.length);
                    }
                } catch (Exception e) {
                    // the socket closed at the end of the test
                }
            }, "uploader");
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            long stalledAt;
            try (sampler) {
                uploader.start();
                Thread.sleep(700);
                stalledAt = sent.get();
                Thread.sleep(300);
                assertThat(sent.get()).as("the client is held back").isEqualTo(stalledAt);
            }
            System.out.printf("h2 upload to a backend that does not read: client stalled at %d bytes, backend read %d;"
                    + " max bufferedBytes %d%n", stalledAt, backend.bodyBytesRead(), sampler.maxBuffered());

            assertThat(stalledAt).isLessThan(16L * MIB);
            assertThat(backend.bodyBytesRead()).isLessThanOrEqualTo(64 * KIB);
            assertThat(sampler.maxBuffered()).isLessThan(512 * KIB);
            client.socket().setSoLinger(true, 0);
        }
    }

    /** Reads a chunked body at about 50 MiB/s, checking every byte against the backend's pattern. */
    private static long readChunkedSlowly(InputStream in) throws Exception {
        long offset = 0;
        long sinceRest = 0;
        byte[] buffer = new byte[64 * KIB];
        while (true) {
            String sizeLine = HttpMessage.readLine(in);
            long length = Long.parseLong(sizeLine.trim(), 16);
            if (length == 0) {
                HttpMessage.readLine(in);
                return offset;
            }
            while (length > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, length));
                assertThat(read).isPositive();
                for (int i = 0; i < read; i++) {
                    if (buffer[i] != Http2Exchange.patternByte(offset + i)) {
                        throw new AssertionError("byte " + (offset + i) + " differs");
                    }
                }
                offset += read;
                length -= read;
                sinceRest += read;
                if (sinceRest >= 2 * MIB) {
                    sinceRest = 0;
                    Thread.sleep(40);
                }
            }
            HttpMessage.readLine(in);
        }
    }

    private static Answer answerTo(Http2Exchange exchange) {
        return Answer.ok(exchange.connection().index() + ": " + exchange.request().bodyText());
    }

    private static HttpMessage post(RawClient client, String body) throws Exception {
        client.send("POST /orders HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        return client.response();
    }

    private static List<HttpMessage> concurrentGets(ProxyFixture proxy, int count) throws Exception {
        return concurrently(count, i -> {
            try (RawClient client = proxy.client()) {
                return client.get("/multi/" + i);
            }
        });
    }

    private static List<HttpMessage> concurrentPosts(ProxyFixture proxy, int count) throws Exception {
        return concurrently(count, i -> {
            try (RawClient client = proxy.client()) {
                return post(client, "post " + i);
            }
        });
    }

    private interface Call {
        HttpMessage call(int i) throws Exception;
    }

    private static List<HttpMessage> concurrently(int count, Call call) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            List<Future<HttpMessage>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                calls.add(threads.submit(() -> call.call(n)));
            }
            List<HttpMessage> responses = new ArrayList<>();
            for (Future<HttpMessage> f : calls) {
                responses.add(f.get(30, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            threads.shutdownNow();
        }
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 10));
        }
        return bytes;
    }
}
