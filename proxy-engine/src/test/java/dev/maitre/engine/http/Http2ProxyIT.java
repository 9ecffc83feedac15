package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.engine.testing.Http2TestClient;
import dev.maitre.engine.testing.Http2TestClient.Answer;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.Requirements;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 clients served by an http listener, with real clients: the JDK's {@code HttpClient} over
 * TLS on both providers, curl (TLS and prior knowledge), and a Netty frame client for what the
 * others do not show (trailers, resets, {@code GOAWAY}). Each request reaches an HTTP/1.1 backend as
 * an HTTP/1.1 request, and its answer comes back as HTTP/2; HTTP/1.1 clients of the same listener
 * are served as before.
 */
class Http2ProxyIT {

    @TempDir
    static Path dir;

    private static Authority authority;
    private static PemFiles localhost;
    private static Path ca;

    @BeforeAll
    static void certificates() {
        authority = TestCertificates.authority("maitre test CA");
        localhost = authority.issue(KeyKind.ECDSA, "localhost").write(dir, "localhost");
        ca = authority.writeCertificate(dir, "ca.pem");
    }

    private static TlsConfig tls(TlsProvider provider) {
        return new TlsConfig(List.of(new CertificateFiles(localhost.certFile(), localhost.keyFile())), provider,
                List.of(), List.of(), List.of(), null, ClientAuth.NONE, ClientCertHeaders.none());
    }

    private static HttpClient jdkClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(context)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static URI https(ProxyFixture proxy, String path) {
        return URI.create("https://localhost:" + proxy.address().getPort() + path);
    }

    // The JDK's client over TLS

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void jdkClientGetsTheBackendsAnswerOverHttp2WithoutHopByHopFields(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.write(
                     "HTTP/1.1 201 Created\r\nX-Answer: Yes\r\nConnection: keep-alive, X-Private\r\nX-Private: 1\r\n"
                             + "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n"
                             + "5\r\nhello\r\n0\r\n\r\n"));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider)).start()) {
            HttpResponse<String> response = jdkClient().send(HttpRequest.newBuilder(https(proxy, "/a?b=c"))
                    .header("X-Request", "One").header("Cookie", "a=1").header("Cookie", "b=2").GET().build(),
                    BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(201);
            assertThat(response.body()).isEqualTo("hello");
            assertThat(response.headers().map()).containsEntry("x-answer", List.of("Yes"))
                    .doesNotContainKeys("connection", "keep-alive", "transfer-encoding", "x-private");

            HttpMessage request = backend.requests().get(0);
            assertThat(request.startLine()).isEqualTo("GET /a?b=c HTTP/1.1");
            assertThat(request.header("Host")).isEqualTo("localhost:" + proxy.address().getPort());
            assertThat(request.header("X-Forwarded-Proto")).isEqualTo("https");
            assertThat(request.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(request.header("X-Request")).isEqualTo("One");
            assertThat(request.headers("Cookie")).containsExactly("a=1; b=2");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void jdkClientSendsBodiesOfKnownAndUnknownLengthAndHead(TlsProvider provider) throws Exception {
        byte[] mebibyte = new byte[1 << 20];
        Arrays.fill(mebibyte, (byte) 'x');
        try (RawBackend backend = RawBackend.answering("stored");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider)).start()) {
            HttpClient client = jdkClient();
            HttpResponse<String> known = client.send(HttpRequest.newBuilder(https(proxy, "/known"))
                    .POST(BodyPublishers.ofByteArray(mebibyte)).build(), BodyHandlers.ofString());
            HttpResponse<String> unknown = client.send(HttpRequest.newBuilder(https(proxy, "/unknown"))
                    .POST(BodyPublishers.fromPublisher(BodyPublishers.ofByteArray(mebibyte))).build(),
                    BodyHandlers.ofString());
            HttpResponse<String> head = client.send(HttpRequest.newBuilder(https(proxy, "/head"))
                    .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());

            assertThat(known.statusCode()).isEqualTo(200);
            assertThat(known.body()).isEqualTo("stored");
            assertThat(unknown.statusCode()).isEqualTo(200);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("content-length")).contains("6");
            assertThat(head.body()).isEmpty();
            assertThat(head.version()).isEqualTo(HttpClient.Version.HTTP_2);

            HttpMessage knownRequest = backend.requests().get(0);
            assertThat(knownRequest.header("Content-Length")).isEqualTo(String.valueOf(1 << 20));
            assertThat(knownRequest.header("Transfer-Encoding")).isNull();
            assertThat(knownRequest.body()).isEqualTo(mebibyte);
            HttpMessage unknownRequest = backend.requests().get(1);
            assertThat(unknownRequest.header("Content-Length")).isNull();
            assertThat(unknownRequest.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(unknownRequest.body()).isEqualTo(mebibyte);
            assertThat(backend.requests().get(2).method()).isEqualTo("HEAD");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void jdkClientMovesBodiesLargerThanTheWindowsBothWays(TlsProvider provider) throws Exception {
        byte[] body = new byte[4 << 20];
        new Random(7).nextBytes(body);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 connection.write("HTTP/1.1 200 OK\r\nContent-Length: " + request.body().length + "\r\n\r\n");
                 connection.write(request.body());
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider)).start()) {
            HttpResponse<byte[]> echoed = jdkClient().send(HttpRequest.newBuilder(https(proxy, "/echo"))
                    .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());

            assertThat(echoed.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(echoed.statusCode()).isEqualTo(200);
            assertThat(Arrays.equals(echoed.body(), body)).as("the body came back intact").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"JDK", "OPENSSL"})
    void fiftyConcurrentStreamsOnOneConnectionAreAllAnswered(TlsProvider provider) throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.respond(request.target()));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(provider)).start()) {
            HttpClient client = jdkClient();
            // One request first, so that the others find the connection open and share it.
            assertThat(client.send(HttpRequest.newBuilder(https(proxy, "/first")).build(), BodyHandlers.ofString())
                    .body()).isEqualTo("/first");
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(client.sendAsync(HttpRequest.newBuilder(https(proxy, "/" + i)).build(),
                        BodyHandlers.ofString()));
            }
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> response = answers.get(i).get(20, TimeUnit.SECONDS);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("/" + i);
            }
            assertThat(proxy.engine().openConnections()).isEqualTo(1);
        }
    }

    // Trailers, with a client that shows them

    @Test
    void trailersOfAChunkedAnswerReachTheClient() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.write(
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                             + "4\r\nbody\r\n0\r\nX-Checksum: 1234\r\n\r\n"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/t").add("te", "trailers"))
                    .answer().get(10, TimeUnit.SECONDS);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bodyText()).isEqualTo("body");
            assertThat(answer.trailers()).isNotNull();
            assertThat(answer.trailers().get("x-checksum")).hasToString("1234");
            assertThat(answer.head().contains("trailer")).isFalse();
        }
    }

    @Test
    void requestTrailersReachTheBackendWithTheChunkedBody() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream stream = client.open(Http2TestClient.headers("POST", "/t"), false,
                    Http2TestClient.Reading.AT_ONCE);
            stream.send(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), false);
            stream.sendTrailers(new DefaultHttp2Headers().add("x-sum", "42"));
            assertThat(stream.answer().get(10, TimeUnit.SECONDS).status()).isEqualTo(200);

            HttpMessage request = backend.requests().get(0);
            assertThat(request.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(request.bodyText()).isEqualTo("abc");
            assertThat(request.trailer("x-sum")).isEqualTo("42");
        }
    }

    @Test
    void anInterimAnswerPassesBeforeTheFinalOne() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.write(
                     "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                             + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/hints")).answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.bodyText()).isEqualTo("ok");
            assertThat(answer.interim()).extracting(head -> head.status().toString()).containsExactly("103");
        }
    }

    @Test
    void aClientThatStopsSendingItsBodyIsAnswered408AndTheConnectionGoesOn() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.respond("ok"));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).clientTimeout(Duration.ofMillis(300)).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream stream = client.open(
                    Http2TestClient.headers("POST", "/stalled").addInt("content-length", 10), false,
                    Http2TestClient.Reading.AT_ONCE);
            stream.send(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), false);
            Answer answer = stream.answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(408);
            assertThat(client.request(Http2TestClient.get("/next")).answer().get(10, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void aConnectionWithoutStreamsIsToldGoawayAtTheIdleTimeout() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .listenerTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream stream = client.request(Http2TestClient.get("/one"));
            assertThat(stream.answer().get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            Http2TestClient.GoAway goAway = client.goAway().get(5, TimeUnit.SECONDS);
            assertThat(goAway.errorCode()).isZero();
            assertThat(goAway.lastStreamId()).isEqualTo(stream.id());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (client.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void aDownloadTheClientCancelsClosesItsBackendConnectionAndTheConnectionGoesOn() throws Exception {
        CountDownLatch backendGone = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 if (request.target().equals("/big")) {
                     connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n");
                     byte[] block = new byte[64 * 1024];
                     try {
                         for (int i = 0; i < 16 * 1024; i++) {
                             connection.write(block);
                         }
                     } catch (IOException closed) {
                         backendGone.countDown();
                         throw closed;
                     }
                 } else {
                     connection.respond("small");
                 }
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream big = client.open(Http2TestClient.get("/big"), true,
                    Http2TestClient.Reading.bursts(256 * 1024, Duration.ofSeconds(30)));
            while (big.bytesRead() == 0) {
                Thread.sleep(5);
            }
            big.cancel();
            assertThat(backendGone.await(10, TimeUnit.SECONDS)).as("backend connection closed").isTrue();
            Answer small = client.request(Http2TestClient.get("/small")).answer().get(10, TimeUnit.SECONDS);
            assertThat(small.bodyText()).isEqualTo("small");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (proxy.engine().bufferedBytes() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(proxy.engine().bufferedBytes()).isZero();
        }
    }

    @Test
    void theAccessLogNamesTheProtocolTheClientSpoke() throws Exception {
        Logger accessLogger = (Logger) LoggerFactory.getLogger("maitre.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Level levelBefore = accessLogger.getLevel();
        accessLogger.setLevel(Level.INFO);
        lines.start();
        accessLogger.addAppender(lines);
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).accessLog(true).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535);
             RawClient http11 = proxy.client()) {
            assertThat(client.request(Http2TestClient.get("/two")).answer().get(10, TimeUnit.SECONDS).status())
                    .isEqualTo(200);
            assertThat(http11.get("/one").status()).isEqualTo(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lines.list.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains("\"GET /two HTTP/2.0\" 200"))
                    .anySatisfy(line -> assertThat(line).contains("\"GET /one HTTP/1.1\" 200"));
        } finally {
            accessLogger.detachAppender(lines);
            accessLogger.setLevel(levelBefore);
        }
    }

    // curl

    @Test
    void curlWithPriorKnowledgeSpeaksHttp2OnClearText() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address())) {
            String out = curl("--http2-prior-knowledge", "http://127.0.0.1:" + proxy.address().getPort() + "/c");
            assertThat(out).isEqualTo("ok 2 200");
        }
    }

    @Test
    void curlOverTlsNegotiatesHttp2() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(TlsProvider.JDK)).start()) {
            String out = curl("--http2", "--cacert", ca.toString(),
                    "https://localhost:" + proxy.address().getPort() + "/c");
            assertThat(out).isEqualTo("ok 2 200");
        }
    }

    @Test
    void anH2cUpgradeIsRefusedAndTheRequestAnsweredOnHttp11() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address())) {
            String out = curl("--http2", "http://127.0.0.1:" + proxy.address().getPort() + "/c");
            assertThat(out).isEqualTo("ok 1.1 200");
            assertThat(backend.requests().get(0).header("Upgrade")).isNull();
            assertThat(backend.requests().get(0).header("HTTP2-Settings")).isNull();
        }
    }

    /** Runs curl with {@code args}: the body, then its HTTP version and status. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w", " %{http_version} %{http_code}"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            Requirements.require(false, "curl on the PATH");
            throw e;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("curl ended").isTrue();
        return out.trim();
    }

    // HTTP/1.1 beside it, and HTTP/2 switched off

    @Test
    void http11ClientsOfTheSameListenerKeepAliveAndPipeline() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.respond(request.target()));
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            assertThat(client.get("/one").bodyText()).isEqualTo("/one");
            client.send("GET /two HTTP/1.1\r\nHost: test.local\r\n\r\nGET /three HTTP/1.1\r\nHost: test.local\r\n\r\n");
            assertThat(client.response().bodyText()).isEqualTo("/two");
            assertThat(client.response().bodyText()).isEqualTo("/three");
            assertThat(client.get("/four").startLine()).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void aPrefaceArrivingInPiecesStillOpensHttp2() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             RawClient client = proxy.client()) {
            client.send("PRI * HTTP/2.0\r\n");
            Thread.sleep(100);
            client.send("\r\nSM\r");
            Thread.sleep(100);
            client.send("\n\r\n");
            // An empty SETTINGS, then GET / on stream 1 (HPACK: static :method GET, :scheme http,
            // :path /, then :authority "a" as a literal).
            client.send(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            client.send(new byte[] {0, 0, 6, 1, 5, 0, 0, 0, 1, (byte) 0x82, (byte) 0x86, (byte) 0x84, 0x41, 1, 'a'});
            DataInputStream in = new DataInputStream(client.input());
            boolean answered = false;
            for (int frames = 0; frames < 10 && !answered; frames++) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                int stream = in.readInt();
                in.skipNBytes(length);
                answered = type == 1 && stream == 1;
            }
            assertThat(answered).as("HEADERS answering stream 1").isTrue();
            assertThat(backend.requests()).hasSize(1);
        }
    }

    @Test
    void withHttp2OffAPriorKnowledgeClientIsRefused() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).http2(ListenerHttp2.disabled()).start();
             RawClient client = proxy.client()) {
            client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            try {
                assertThat(client.response().status()).isEqualTo(505);
            } catch (EOFException closed) {
                // closed without an answer: refused as well
            }
            assertThat(client.isClosedByPeer(5_000)).isTrue();
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void withHttp2OffAlpnOffersOnlyHttp11() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tls(tls(TlsProvider.JDK))
                     .http2(ListenerHttp2.disabled()).start()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(proxy.address().getAddress(), proxy.address().getPort())) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
            }
            HttpResponse<String> response = jdkClient().send(HttpRequest.newBuilder(https(proxy, "/")).build(),
                    BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.body()).isEqualTo("ok");
        }
    }

    // maitre's own answers

    @Test
    void noRouteIsAnswered404WithItsText() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .routes(List.of(new RouteConfig("only.example.test", null, ProxyFixture.CLUSTER))).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/x")).answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.head().get("content-type")).hasToString("text/plain; charset=utf-8");
            assertThat(answer.bodyText()).startsWith("404 Not Found");
            assertThat(answer.head().getInt("content-length")).isEqualTo(answer.body().length);
            // The connection serves the next stream.
            Answer head = client.request(Http2TestClient.headers("HEAD", "/x")).answer().get(10, TimeUnit.SECONDS);
            assertThat(head.status()).isEqualTo(404);
            assertThat(head.bytes()).isZero();
        }
    }

    @Test
    void connectIsAnswered501AsOnHttp11() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(new DefaultHttp2Headers().method("CONNECT").authority("example.test:443"))
                    .answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(501);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void noEligibleBackendIsAnswered503() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).health(cluster -> List.of()).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/x")).answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.bodyText()).startsWith("503 Service Unavailable");
        }
    }

    @Test
    void aRefusingBackendIsAnswered502() throws Exception {
        try (ProxyFixture proxy = ProxyFixture.builder(Ports.refusing()).retries(0).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/x")).answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.bodyText()).startsWith("502 Bad Gateway");
        }
    }

    @Test
    void aSilentBackendIsAnswered504AtTheResponseTimeout() throws Exception {
        try (RawBackend backend = RawBackend.silent();
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .clusterTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Answer answer = client.request(Http2TestClient.get("/x")).answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.bodyText()).startsWith("504 Gateway Timeout");
        }
    }

    @Test
    void aBodyOverTheLimitIsAnswered413WhetherAnnouncedOrNot() throws Exception {
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> connection.respond("read"));
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).maxBodyBytes(1000).start();
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream announced = client.open(
                    Http2TestClient.headers("POST", "/announced").addInt("content-length", 5000), false,
                    Http2TestClient.Reading.AT_ONCE);
            assertThat(announced.answer().get(10, TimeUnit.SECONDS).status()).isEqualTo(413);

            Http2TestClient.Stream unannounced = client.open(Http2TestClient.headers("POST", "/unannounced"), false,
                    Http2TestClient.Reading.AT_ONCE);
            unannounced.send(Unpooled.wrappedBuffer(new byte[800]), false);
            unannounced.send(Unpooled.wrappedBuffer(new byte[800]), true);
            Answer answer = unannounced.answer().get(10, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.bodyText()).startsWith("413 Request Entity Too Large");
            assertThat(backend.requests()).noneMatch(request -> request.target().equals("/announced"));
        }
    }

    // Drain

    @Test
    void aStreamInFlightAtShutdownFinishesAndTheClientIsToldGoaway() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 arrived.countDown();
                 answer.await(10, TimeUnit.SECONDS);
                 connection.respond("late");
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             Http2TestClient client = Http2TestClient.connect(proxy.address(), 65_535)) {
            Http2TestClient.Stream stream = client.request(Http2TestClient.get("/slow"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = proxy.engine().shutdown(Duration.ofSeconds(10));
            Http2TestClient.GoAway goAway = client.goAway().get(5, TimeUnit.SECONDS);
            assertThat(goAway.errorCode()).isZero();
            assertThat(goAway.lastStreamId()).isEqualTo(stream.id());
            assertThat(stream.answer()).isNotDone();
            assertThat(stopped).isNotDone();

            answer.countDown();
            Answer late = stream.answer().get(10, TimeUnit.SECONDS);
            assertThat(late.status()).isEqualTo(200);
            assertThat(late.bodyText()).isEqualTo("late");
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(client.isOpen()).isFalse();
        }
    }

    /**
     * curl as the client of a drain. (The JDK 17 client is not used here: it fails its open streams
     * on any {@code GOAWAY}, graceful or not: JDK-8335181, fixed in later JDKs.)
     */
    @Test
    void curlsRequestInFlightAtShutdownIsAnswered() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 arrived.countDown();
                 answer.await(10, TimeUnit.SECONDS);
                 connection.respond("late");
             });
             ProxyFixture proxy = ProxyFixture.start(backend.address())) {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return curl("--http2-prior-knowledge", "http://127.0.0.1:" + proxy.address().getPort() + "/slow");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = proxy.engine().shutdown(Duration.ofSeconds(10));
            Thread.sleep(200);
            assertThat(stopped).isNotDone();
            answer.countDown();
            assertThat(out.get(15, TimeUnit.SECONDS)).isEqualTo("late 2 200");
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(backend.requests()).hasSize(1);
        }
    }
}
