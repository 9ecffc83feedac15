package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.GrpcEcho;
import dev.maitre.testing.GrpcEchoServer;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.Ports;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC through maitre, end to end: a real grpc-java client in front (prior knowledge on the clear-text
 * listener, ALPN {@code h2} on a TLS one) and real grpc-java servers behind ({@code protocol: h2c}, or
 * {@code h2} over TLS). Every kind of call, large messages, statuses with their trailers, deadlines and
 * cancellations, a backend that dies midway, and maitre's own answers as gRPC statuses.
 */
@ExtendWith(NoLeaksExtension.class)
@Timeout(60)
class GrpcProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final String SERVICE_NAME = "maitre.test";
    private static final String BACKEND_NAME = "backend.test";

    @TempDir
    static Path dir;
    private static TestCertificates.Authority ca;
    private static Path caFile;

    @BeforeAll
    static void certificates() {
        ca = TestCertificates.authority("grpc test CA");
        caFile = ca.writeCertificate(dir, "ca.pem");
    }

    @Test
    void aUnaryCallIsAnsweredByTheBackend() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "hello"))
                        .isEqualTo("a: hello");
                assertThat(backend.calls()).containsExactly(GrpcEcho.SAY.getFullMethodName());
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aThousandStreamedMessagesArriveInOrder() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Iterator<String> answers = ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.COUNT,
                        CallOptions.DEFAULT, "1000");
                List<String> received = new ArrayList<>();
                answers.forEachRemaining(received::add);

                assertThat(received).hasSize(1000);
                for (int i = 0; i < 1000; i++) {
                    assertThat(received.get(i)).isEqualTo(Integer.toString(i));
                }
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aClientStreamIsSummedByTheBackend() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Collector answers = new Collector();
                StreamObserver<String> numbers = ClientCalls.asyncClientStreamingCall(
                        channel.newCall(GrpcEcho.SUM, CallOptions.DEFAULT), answers);
                for (int i = 1; i <= 500; i++) {
                    numbers.onNext(Integer.toString(i));
                }
                numbers.onCompleted();

                assertThat(answers.done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
                assertThat(answers.messages).containsExactly("count=500 sum=125250");
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void bidiMessagesInterleaveEachAnsweredBeforeTheNextIsSent() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Collector answers = new Collector();
                StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(GrpcEcho.CHAT, CallOptions.DEFAULT), answers);
                for (int i = 0; i < 200; i++) {
                    requests.onNext("m" + i);
                    // The answer comes back while the request stream is still open: nothing waits for its end.
                    assertThat(answers.next()).isEqualTo("echo m" + i);
                }
                requests.onCompleted();

                assertThat(answers.done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void fourMebibyteMessagesPassBothWays() throws Exception {
        byte[] message = new byte[4 * 1024 * 1024];
        new Random(11).nextBytes(message);
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                for (int round = 0; round < 2; round++) {
                    byte[] echoed = ClientCalls.blockingUnaryCall(channel, GrpcEcho.ECHO_BYTES,
                            CallOptions.DEFAULT, message);
                    assertThat(echoed).isEqualTo(message);
                }
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aClientThatStopsReadingStopsTheBackendsStreamAndResumesIt() throws Exception {
        int total = 300;
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
                CompletableFuture<Throwable> done = new CompletableFuture<>();
                ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
                ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcEcho.FLOOD, CallOptions.DEFAULT),
                        total + ",65536", new ClientResponseObserver<String, byte[]>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<String> requestStream) {
                                call[0] = requestStream;
                                requestStream.disableAutoRequestWithInitial(1);
                            }

                            @Override
                            public void onNext(byte[] message) {
                                received.add(message);
                            }

                            @Override
                            public void onError(Throwable failure) {
                                done.complete(failure);
                            }

                            @Override
                            public void onCompleted() {
                                done.complete(null);
                            }
                        });
                assertThat(received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();

                // The client takes nothing more for a while: every window on the way fills, and the backend stops.
                Thread.sleep(1000);
                int sentWhilePaused = backend.flooded();
                Thread.sleep(300);
                assertThat(backend.flooded()).as("the backend stopped").isEqualTo(sentWhilePaused);
                // 4 MiB at most between the backend and the client's reading: the windows, not the whole stream.
                assertThat(sentWhilePaused).isLessThan(64);

                for (int i = 1; i < total; i++) {
                    call[0].request(1);
                    byte[] message = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(message).as("message %d", i).isNotNull().hasSize(65536);
                    assertThat(message[0]).isEqualTo((byte) i);
                }
                assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void theBackendsStatusAndTrailersReachTheClientUnchanged() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.FAIL, CallOptions.DEFAULT,
                                "INVALID_ARGUMENT:name must not be empty"));

                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(failure.getStatus().getDescription()).isEqualTo("name must not be empty");
                Metadata trailers = failure.getTrailers();
                assertThat(trailers.get(GrpcEcho.DETAIL_KEY)).isEqualTo("detail of name must not be empty");
                assertThat(trailers.get(GrpcEcho.DETAIL_BIN_KEY)).containsExactly(0, 1, 255);
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aDeadlineShorterThanTheCallEndsItOnBothSides() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.SLOW,
                                CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "20000"));

                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                await().atMost(WAIT).until(() -> backend.cancellations().contains(
                        GrpcEcho.SLOW.getFullMethodName()));
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aCallsOwnDeadlineIsKeptByMaitreWhenNobodyElseKeepsIt() throws Exception {
        // A backend that reads the call and never answers, until maitre closes the connection.
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> { });
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             PriorKnowledgeClient client = PriorKnowledgeClient.connect(proxy.address())) {
            int port = proxy.address().getPort();
            // A client that does not keep its deadline itself, and a backend that does not either.
            PriorKnowledgeClient.Stream call = client.open(grpcCall(port, GrpcEcho.SAY).add("grpc-timeout", "300m"),
                    false);
            call.send(grpcMessage("anyone?"), true);

            assertThat(call.answer().status()).isEqualTo("200");
            assertThat(call.trailers().get("grpc-status")).hasToString("4");
            assertThat(backend.requests()).hasSize(1);
            assertThat(backend.requests().get(0).header("grpc-timeout")).isEqualTo("300m");
            await().atMost(WAIT).until(() -> backend.connectionsClosedByPeer() == 1);
        }
    }

    @Test
    void aStreamingCallTheClientCancelsIsCancelledOnTheBackend() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Collector answers = new Collector();
                ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcEcho.COUNT, CallOptions.DEFAULT),
                        "100000,20", answers);
                assertThat(answers.next()).isEqualTo("0");
                assertThat(answers.next()).isEqualTo("1");

                answers.call.cancel("the client is done", null);

                await().atMost(WAIT).until(() -> backend.cancellations().contains(
                        GrpcEcho.COUNT.getFullMethodName()));
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void callsAreBalancedOverTwoBackends() throws Exception {
        try (GrpcEchoServer a = GrpcEchoServer.start("a");
             GrpcEchoServer b = GrpcEchoServer.start("b");
             ProxyFixture proxy = h2c(a.address(), b.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    answers.add(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "x"));
                }

                assertThat(answers).containsOnly("a: x", "b: x");
                assertThat(a.calls()).hasSize(5);
                assertThat(b.calls()).hasSize(5);
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aBackendCrashMidStreamEndsTheCallUnavailableAndTheNextCallGoesToTheOther() throws Exception {
        try (GrpcEchoServer a = GrpcEchoServer.start("a");
             GrpcEchoServer b = GrpcEchoServer.start("b");
             ProxyFixture proxy = h2c(a.address(), b.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Collector answers = new Collector();
                ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcEcho.COUNT, CallOptions.DEFAULT),
                        "100000,20", answers);
                assertThat(answers.next()).isEqualTo("0");
                GrpcEchoServer serving = a.calls().isEmpty() ? b : a;
                GrpcEchoServer other = serving == a ? b : a;

                serving.crash();

                Throwable failure = answers.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(failure).isInstanceOf(StatusRuntimeException.class);
                assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                for (int i = 0; i < 4; i++) {
                    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "next"))
                            .isEqualTo(other.name() + ": next");
                }
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void callsBeyondWhatTheOpenConnectionTakesShareOneNewConnection() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address())
                     .http2(new ListenerHttp2(true, 200, ListenerHttp2.DEFAULT_INITIAL_WINDOW_SIZE,
                             ListenerHttp2.MIN_FRAME_SIZE, ListenerHttp2.DEFAULT_MAX_HEADER_LIST_SIZE))
                     .start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "first"))
                        .isEqualTo("a: first");
                List<ListenableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    calls.add(ClientCalls.futureUnaryCall(channel.newCall(GrpcEcho.SLOW, CallOptions.DEFAULT),
                            "500"));
                }
                for (int i = 0; i < 150; i++) {
                    assertThat(calls.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slept 500");
                }

                // 100 streams on the open connection (maitre's most on one), the other 50 on one new
                // connection they all waited for, not one each.
                assertThat(backend.connections()).isEqualTo(2);
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aBurstBeyondWhatABackendConnectionTakesIsSpreadOverMoreConnections() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a", 5);
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                List<ListenableFuture<String>> calls = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    calls.add(ClientCalls.futureUnaryCall(channel.newCall(GrpcEcho.SLOW, CallOptions.DEFAULT),
                            "300"));
                }

                // The backend refuses the streams beyond its 5 a connection; they go out again on new
                // connections, as many as its limit needs, and every call is served.
                for (int i = 0; i < 30; i++) {
                    assertThat(calls.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slept 300");
                }
                assertThat(backend.connections()).isBetween(6, 30);
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aBackendShuttingDownFinishesItsCallAndTheNextCallsGoToTheOther() throws Exception {
        try (GrpcEchoServer a = GrpcEchoServer.start("a");
             GrpcEchoServer b = GrpcEchoServer.start("b");
             ProxyFixture proxy = h2c(a.address(), b.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                Collector answers = new Collector();
                ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcEcho.COUNT, CallOptions.DEFAULT),
                        "20,30", answers);
                assertThat(answers.next()).isEqualTo("0");
                GrpcEchoServer serving = a.calls().isEmpty() ? b : a;
                GrpcEchoServer other = serving == a ? b : a;

                serving.shutDownGracefully();

                for (int i = 0; i < 4; i++) {
                    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "next"))
                            .isEqualTo(other.name() + ": next");
                }
                assertThat(answers.done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
                assertThat(answers.messages).hasSize(19).endsWith("19");
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aCrashedBackendServesAgainOnceItIsBack() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "before"))
                        .isEqualTo("a: before");
                backend.crash();
                StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "down"));
                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

                backend.restart();

                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "after"))
                        .isEqualTo("a: after");
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aCallWhoseBackendDiesBeforeItsBodyIsUnavailableAndItsConnectionServesOn() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address()).start();
             PriorKnowledgeClient client = PriorKnowledgeClient.connect(proxy.address())) {
            int port = proxy.address().getPort();
            // The call's headers go to maitre, which opens a backend connection and a stream for them.
            PriorKnowledgeClient.Stream call = client.open(grpcCall(port, GrpcEcho.SAY), false);
            await().atMost(WAIT).until(() -> backend.connections() == 1);
            backend.crash();
            // Time for maitre to read the backend connection's end before the body comes.
            Thread.sleep(200);

            call.send(grpcMessage("late"), false);

            assertThat(call.answer().status()).isEqualTo("200");
            assertThat(call.trailers().get("grpc-status")).hasToString("14");
            backend.restart();
            PriorKnowledgeClient.Stream next = client.open(grpcCall(port, GrpcEcho.SAY), false);
            next.send(grpcMessage("next"), true);
            assertThat(next.answer().body()).endsWith("a: next");
            assertThat(next.trailers().get("grpc-status")).hasToString("0");
        }
    }

    @Test
    void aBackendCrashWhileTheClientStreamsEndsThatCallAloneUnavailable() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             GrpcEchoServer bystanderBackend = GrpcEchoServer.start("b");
             ProxyFixture proxy = h2c(backend.address())
                     .cluster("bystanders", bystanderBackend.address())
                     .routes(List.of(new RouteConfig(null, "/" + GrpcEcho.CHAT.getFullMethodName(), "bystanders"),
                             RouteConfig.catchAll(ProxyFixture.CLUSTER)))
                     .start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                // A call on the same client connection, to another backend, that must live through it all.
                Collector bystander = new Collector();
                StreamObserver<String> chat = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(GrpcEcho.CHAT, CallOptions.DEFAULT), bystander);
                chat.onNext("hello");
                assertThat(bystander.next()).isEqualTo("echo hello");
                for (int round = 0; round < 10; round++) {
                    Collector answers = new Collector();
                    StreamObserver<String> numbers = ClientCalls.asyncClientStreamingCall(
                            channel.newCall(GrpcEcho.SUM, CallOptions.DEFAULT), answers);
                    int sent = 0;
                    long crashAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                    boolean crashed = false;
                    // The client keeps sending as the backend dies, so maitre reads its body and the
                    // backend connection's end together.
                    while (!answers.done.isDone() && sent < 200_000) {
                        if (answers.call.isReady()) {
                            numbers.onNext("1");
                            sent++;
                        } else {
                            Thread.onSpinWait();
                        }
                        if (!crashed && System.nanoTime() > crashAt) {
                            crashed = true;
                            new Thread(backend::crash).start();
                        }
                    }
                    Throwable failure = answers.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(Status.fromThrowable(failure).getCode()).as("round %d: %s", round, failure)
                            .isEqualTo(Status.Code.UNAVAILABLE);
                    await().atMost(WAIT).until(() -> {
                        try {
                            backend.restart();
                            return true;
                        } catch (IOException stillStopping) {
                            return false;
                        }
                    });
                }
                chat.onNext("still there");
                assertThat(bystander.next()).isEqualTo("echo still there");
                chat.onCompleted();
                assertThat(bystander.done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aCallNoRouteTakesIsUnimplemented() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address())
                     .routes(List.of(new RouteConfig(null, "/other.Service", ProxyFixture.CLUSTER))).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "x"));

                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(backend.calls()).isEmpty();
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void aClientStillStreamingWhenMaitreEndsItsCallKeepsItsConnection() throws Exception {
        try (GrpcEchoServer backend = GrpcEchoServer.start("a");
             ProxyFixture proxy = h2c(backend.address())
                     .routes(List.of(new RouteConfig(null, "/" + GrpcEcho.SAY.getFullMethodName(),
                             ProxyFixture.CLUSTER))).start();
             PriorKnowledgeClient client = PriorKnowledgeClient.connect(proxy.address())) {
            int port = proxy.address().getPort();
            // No route: maitre answers at once and resets the stream, while the messages already sent
            // on it (more than the 200 resets a connection may cost in 30 s) are still on their way.
            PriorKnowledgeClient.Stream call = client.open(grpcCall(port, GrpcEcho.SUM), false);
            call.sendAtOnce(grpcMessage("1"), 300);

            assertThat(call.answer().status()).isEqualTo("200");
            assertThat(call.trailers().get("grpc-status")).hasToString("12");
            PriorKnowledgeClient.Stream next = client.open(grpcCall(port, GrpcEcho.SAY), false);
            next.send(grpcMessage("next"), true);
            assertThat(next.answer().body()).endsWith("a: next");
        }
    }

    @Test
    void aCallToAClusterWithNoBackendReachableIsUnavailable() throws Exception {
        try (ProxyFixture proxy = h2c(Ports.refusing(), Ports.refusing()).start()) {
            ManagedChannel channel = plaintext(proxy);
            try {
                StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "x"));

                assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void tlsFromTheClientAndToTheBackendCarriesUnaryAndStreamingCalls() throws Exception {
        PemFiles listenerCertificate = ca.issue(KeyKind.ECDSA, SERVICE_NAME).write(dir, "listener");
        PemFiles backendCertificate = ca.issue(KeyKind.ECDSA, BACKEND_NAME).write(dir, "backend");
        try (GrpcEchoServer backend = GrpcEchoServer.startTls("secure", backendCertificate);
             ProxyFixture proxy = ProxyFixture.builder(backend.address())
                     .tls(new TlsConfig(listenerCertificate.certFile(), listenerCertificate.keyFile()))
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(caFile).withServerName(BACKEND_NAME))
                     .clusterProtocol(BackendProtocol.H2)
                     .start()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(proxy.address(),
                            TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build())
                    .overrideAuthority(SERVICE_NAME)
                    .maxInboundMessageSize(MAX_MESSAGE)
                    .build();
            try {
                assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.SAY, CallOptions.DEFAULT, "tls"))
                        .isEqualTo("secure: tls");
                List<String> received = new ArrayList<>();
                ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.COUNT, CallOptions.DEFAULT, "100")
                        .forEachRemaining(received::add);
                assertThat(received).hasSize(100).startsWith("0", "1").endsWith("99");
            } finally {
                shutdown(channel);
            }
        }
    }

    @Test
    void anHttp2ClientsPlainRequestStillReachesAnHttp1Backend() throws Exception {
        try (RawBackend backend = RawBackend.answering("plain answer");
             ProxyFixture proxy = ProxyFixture.start(backend.address());
             PriorKnowledgeClient client = PriorKnowledgeClient.connect(proxy.address())) {
            PriorKnowledgeClient.Answer answer = client.get("/plain", proxy.address().getPort());

            assertThat(answer.status()).isEqualTo("200");
            assertThat(answer.body()).isEqualTo("plain answer");
            assertThat(backend.requests()).hasSize(1);
            assertThat(backend.requests().get(0).startLine()).isEqualTo("GET /plain HTTP/1.1");
        }
    }

    private static Http2Headers grpcCall(int port, MethodDescriptor<?, ?> method) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("127.0.0.1:" + port)
                .path("/" + method.getFullMethodName())
                .add("content-type", "application/grpc").add("te", "trailers");
    }

    /** A gRPC message as it goes on the wire: not compressed, its length, its bytes. */
    private static byte[] grpcMessage(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + bytes.length).put((byte) 0).putInt(bytes.length).put(bytes).array();
    }

    private static ProxyFixture.Builder h2c(HostPort... backends) {
        return ProxyFixture.builder(backends).clusterProtocol(BackendProtocol.H2C);
    }

    private static ManagedChannel plaintext(ProxyFixture proxy) {
        return NettyChannelBuilder.forAddress(proxy.address())
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE)
                .build();
    }

    private static void shutdown(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** What a call answers, one message at a time, and how it ended (null: OK). */
    private static final class Collector implements ClientResponseObserver<String, String> {

        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Throwable> done = new CompletableFuture<>();
        volatile ClientCallStreamObserver<String> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<String> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(String value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable failure) {
            done.complete(failure);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }

        String next() throws InterruptedException, IOException {
            String message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IOException("no message within " + WAIT + (done.isDone() ? ", the call ended: "
                        + done.getNow(null) : ""));
            }
            return message;
        }
    }
}
