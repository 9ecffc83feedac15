package dev.maitre.engine.http;

import static dev.maitre.engine.http.ProxyExchange.State.CONNECTING;
import static dev.maitre.engine.http.ProxyExchange.State.DONE;
import static dev.maitre.engine.http.ProxyExchange.State.ENDING;
import static dev.maitre.engine.http.ProxyExchange.State.RELAYING;
import static dev.maitre.engine.http.ProxyExchange.State.SENDING;
import static dev.maitre.engine.http.ProxyExchange.State.TUNNEL;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.balance.Balancers;
import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.pool.BackendCodec;
import dev.maitre.engine.pool.BackendConnection;
import dev.maitre.engine.pool.BackendConnector;
import dev.maitre.engine.pool.BackendPool;
import dev.maitre.engine.pool.BackendPools;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.relay.RelayHandler;
import dev.maitre.engine.transport.Transport;
import dev.maitre.engine.upstream.ActiveRequests;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each transition of {@link ProxyExchange} on its own, on embedded channels and virtual time. The
 * client's event loop is that of an {@link EmbeddedChannel} with frozen time; the client connection
 * is {@link RecordingClient}, which keeps what the exchange did to it (the real one is covered by the
 * ITs over sockets). Backends are embedded channels with a real backend pipeline ({@link BackendCodec},
 * {@link BackendConnection}) put idle into the real pools, so that a try borrows them; they are read
 * with {@code readOutbound} and answered with {@code writeInbound}, which fires the read's complete.
 *
 * <p>A try that finds no idle connection opens one with {@code BackendPool.connect()}: a NIO channel
 * cannot register with an embedded event loop, so that connect fails at once. That is how these tests
 * make a connect failure, and why a fresh connection never succeeds here.
 *
 * <p>The exchange timer: {@link #elapse} moves virtual time on and calls {@link ProxyExchange#onTimer}
 * whenever the deadline last armed through {@code armExchangeTimer} passes, as the client connection's
 * {@code ConnectionDeadline} would.
 */
class ProxyExchangeTransitionsTest {

    private static final String CLUSTER = "app";
    private static final Endpoint A = endpoint("192.0.2.1");
    private static final Endpoint B = endpoint("192.0.2.2");
    private static final Endpoint C = endpoint("192.0.2.3");
    private static final Map<Endpoint, String> NAMES = Map.of(A, "a", B, "b", C, "c");
    private static final Duration RESPONSE_TIMEOUT = ClusterTimeouts.DEFAULT_RESPONSE;
    private static final Duration CLIENT_TIMEOUT = ListenerTimeouts.DEFAULT_CLIENT;
    private static final Duration NANO = Duration.ofNanos(1);

    private final EmbeddedChannel clientLoop = new EmbeddedChannel();
    private final RecordingClient client = new RecordingClient();
    private final ActiveRequests active = new ActiveRequests();
    private final Tunnels tunnels = new Tunnels();
    private final List<Backend> backends = new ArrayList<>();
    private final List<String> outcomes = new ArrayList<>();
    private final List<ProxyExchange.State> statesAtOutcomes = new ArrayList<>();
    private List<Endpoint> eligible = List.of(A, B, C);
    private final BackendPools pools;
    private final Upstream upstream;

    private RetryConfig retries = RetryConfig.defaults();
    private long maxBodyBytes = ListenerLimits.DEFAULT_MAX_BODY_BYTES;
    private HttpListenerContext listener;
    private ProxyExchange exchange;
    /** Runs when a connect failure is reported, before the exchange goes on: "meanwhile". */
    private Runnable onConnectFailure = () -> { };

    ProxyExchangeTransitionsTest() {
        clientLoop.freezeTime();
        BackendConnector connector =
                new BackendConnector(Transport.NIO, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        pools = new BackendPools(connector, cluster -> eligible);
        upstream = new Upstream(cluster -> eligible, outcome -> {
            outcomes.add(outcome.kind() + " " + outcome.status() + " "
                    + (outcome.endpoint() == null ? "-" : NAMES.get(outcome.endpoint())));
            statesAtOutcomes.add(exchange.state());
            if (outcome.kind() == Outcome.Kind.CONNECT_FAILURE) {
                onConnectFailure.run();
            }
        }, active, connector, pools);
    }

    @AfterEach
    void releaseEverything() {
        client.written.forEach(ReferenceCountUtil::release);
        backends.forEach(backend -> backend.channel.finishAndReleaseAll());
        clientLoop.finishAndReleaseAll();
    }

    // CONNECTING

    @Test
    void anIdlePooledConnectionIsAttachedAndABodilessRequestGoesOutInOneFlush() {
        Backend a = pooled(A);

        start(get());

        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(pool(A).idleCount()).isZero();
        assertThat(a.flushes).isEqualTo(1);
        assertThat(a.received()).startsWith("GET /x HTTP/1.1\r\n").containsIgnoringCase("host: example.com\r\n")
                .endsWith("\r\n\r\n");
        assertThat(active.of(A.id())).isEqualTo(1);
        assertThat(client.readRequests).as("nothing more is asked of the client").isZero();
    }

    @Test
    void noEligibleBackendAnswers503() {
        eligible = List.of();

        start(get());

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.NO_BACKEND);
        assertThat(client.errorKeepAlive).isTrue();
        assertThat(outcomes).containsExactly("NO_BACKEND 503 -");
    }

    @Test
    void aConnectFailureSendsTheRequestToTheNextBackend() {
        Backend b = pooled(B);

        start(get());

        assertThat(outcomes).containsExactly("CONNECT_FAILURE 0 a");
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("GET /x HTTP/1.1\r\n");
    }

    @Test
    void connectFailuresBeyondTheRetriesAnswer502() {
        start(get());

        assertThat(outcomes).containsExactly("CONNECT_FAILURE 0 a", "CONNECT_FAILURE 0 b", "CONNECT_FAILURE 0 c");
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_FAILED);
    }

    // SENDING → RELAYING → ENDING → DONE

    @Test
    void anInterimAnswerKeepsSendingAndReachesAnHttp11Client() {
        Backend a = pooled(A);
        start(get());

        a.answer("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(client.statuses()).containsExactly(103);

        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
        assertThat(exchange.state()).isEqualTo(RELAYING);
        assertThat(client.statuses()).containsExactly(103, 200);
    }

    @Test
    void theLastPartEndsTheAnswerAndTheReadCompleteFinishesItWithTheConnectionPooled() {
        Backend a = pooled(A);
        start(get());

        a.read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(exchange.state()).isEqualTo(ENDING);
        assertThat(client.finished).isNull();
        assertThat(outcomes).isEmpty();

        a.readComplete();
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.finished).isTrue();
        assertThat(client.body()).isEqualTo("ok");
        assertThat(client.endedWithLastPart()).isTrue();
        assertThat(client.flushes).isPositive();
        assertThat(outcomes).containsExactly("RESPONSE 200 a");
        assertThat(a.channel.isOpen()).isTrue();
        assertThat(pool(A).idleCount()).isEqualTo(1);
        assertThat(active.of(A.id())).isZero();
    }

    @Test
    void bytesAfterTheAnswerInTheSameReadCloseTheConnectionInsteadOfPoolingIt() {
        Backend a = pooled(A);
        start(get());

        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n");

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.finished).isTrue();
        assertThat(client.body()).isEqualTo("ok");
        assertThat(outcomes).containsExactly("RESPONSE 200 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
    }

    @Test
    void anAnswerSayingConnectionCloseClosesTheConnectionInsteadOfPoolingIt() {
        Backend a = pooled(A);
        start(get());

        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.finished).isTrue();
        assertThat(outcomes).containsExactly("RESPONSE 200 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
    }

    // SENDING: a reused connection the backend closed

    @Test
    void aStaleReusedConnectionSendsAGetAgainOnAFreshConnection() {
        Backend stale = pooled(A).reused();
        Backend b = pooled(B);
        start(get());
        assertThat(stale.received()).startsWith("GET /x");

        stale.channel.close();

        // Not a RESET of a: the try starts over (CONNECTING) on a fresh connection to a, which cannot
        // be opened here (see the class comment), so the request goes on to b.
        assertThat(outcomes).containsExactly("CONNECT_FAILURE 0 a");
        assertThat(statesAtOutcomes).containsExactly(CONNECTING);
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("GET /x");
    }

    @Test
    void aStaleReusedConnectionAnswersAPost502AndNeverSendsItAgain() {
        Backend stale = pooled(A).reused();
        Backend b = pooled(B);
        start(post("Content-Length", "5"));
        exchange.onRequestContent(last("hello"));
        assertThat(stale.received()).startsWith("POST /x").endsWith("hello");

        stale.channel.close();

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_FAILED);
        assertThat(outcomes).containsExactly("RESET 0 a");
        assertThat(b.received()).isEmpty();
        assertThat(pool(B).idleCount()).isEqualTo(1);
    }

    @Test
    void aStaleReusedConnectionSendsAPostAgainWhenTheClusterAllowsIt() {
        retries = new RetryConfig(RetryConfig.DEFAULT_ATTEMPTS, true);
        Backend stale = pooled(A).reused();
        Backend b = pooled(B);
        start(post("Content-Length", "5"));
        exchange.onRequestContent(last("hello"));

        stale.channel.close();

        assertThat(outcomes).containsExactly("CONNECT_FAILURE 0 a");
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("POST /x").endsWith("hello");
    }

    // RELAYING: the backend fails

    @Test
    void aBackendResetWhileRelayingCutsTheClientOff() {
        Backend a = pooled(A);
        start(get());
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThat(exchange.state()).isEqualTo(RELAYING);

        a.channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.aborted).isTrue();
        assertThat(client.finished).isNull();
        assertThat(outcomes).containsExactly("RESET 200 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
        assertThat(active.of(A.id())).isZero();
    }

    @Test
    void aBackendFailingRightAfterTheLastPartDoesNotFailTheAnswer() {
        Backend a = pooled(A);
        start(get());
        a.read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(exchange.state()).isEqualTo(ENDING);

        a.channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.finished).isTrue();
        assertThat(client.aborted).isFalse();
        assertThat(outcomes).containsExactly("RESPONSE 200 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
    }

    @Test
    void anInvalidAnswerHeadAnswers502AndIsNotSentElsewhere() {
        Backend a = pooled(A).reused();
        Backend b = pooled(B);
        start(get());

        a.answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_FAILED);
        assertThat(client.statuses()).isEmpty();
        assertThat(outcomes).containsExactly("INVALID_RESPONSE 0 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(b.received()).isEmpty();
    }

    // SENDING: the request body

    @Test
    void bodyPiecesAreForwardedAndEachAsksTheClientForMore() {
        Backend a = pooled(A);
        start(post("Transfer-Encoding", "chunked"));
        assertThat(client.readRequests).isEqualTo(1);

        exchange.onRequestContent(piece("hel"));
        assertThat(client.readRequests).isEqualTo(2);
        exchange.onRequestContent(last("lo"));
        assertThat(client.readRequests).as("the body is complete").isEqualTo(2);

        assertThat(a.received()).startsWith("POST /x HTTP/1.1\r\n")
                .containsIgnoringCase("transfer-encoding: chunked\r\n")
                .endsWith("\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
        assertThat(exchange.state()).isEqualTo(SENDING);
    }

    @Test
    void aBodyOverTheLimitAnswers413AndClosesTheBackendConnection() {
        maxBodyBytes = 4;
        Backend a = pooled(A);
        start(post("Transfer-Encoding", "chunked"));

        exchange.onRequestContent(piece("hel"));
        exchange.onRequestContent(last("lo"));

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BODY_TOO_LARGE);
        assertThat(client.errorKeepAlive).as("the rest of the body is unread").isFalse();
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(active.of(A.id())).isZero();
    }

    @Test
    void aMalformedBodyPieceAnswers400AndClosesTheBackendConnection() {
        Backend a = pooled(A);
        start(post("Transfer-Encoding", "chunked"));

        HttpContent bad = piece("x");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk size")));
        exchange.onRequestContent(bad);

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.INCOMPLETE_BODY);
        assertThat(a.channel.isOpen()).isFalse();
    }

    @Test
    void aBodyPieceArrivingBetweenTwoTriesGoesOutWithTheNextTrysHead() {
        retries = new RetryConfig(RetryConfig.DEFAULT_ATTEMPTS, true);
        Backend stale = pooled(A).reused();
        Backend b = pooled(B);
        start(post("Transfer-Encoding", "chunked"));
        exchange.onRequestContent(piece("hel"));
        assertThat(client.readRequests).isEqualTo(2);
        // The piece read for the first try arrives while the next connection is being opened.
        onConnectFailure = () -> exchange.onRequestContent(last("lo"));

        stale.channel.close();

        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("POST /x HTTP/1.1\r\n")
                .endsWith("\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
        assertThat(b.flushes).isEqualTo(1);
        assertThat(client.readRequests).as("the body is complete").isEqualTo(2);
    }

    // Timers on virtual time

    @Test
    void noAnswerWithinTheResponseTimeoutAnswers504() {
        Backend a = pooled(A);
        start(get());

        elapse(RESPONSE_TIMEOUT.minus(NANO));
        assertThat(exchange.state()).isEqualTo(SENDING);

        elapse(NANO);
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_TIMEOUT);
        assertThat(outcomes).containsExactly("TIMEOUT 0 a");
        assertThat(a.channel.isOpen()).isFalse();
    }

    @Test
    void aStalledRequestBodyAnswers408AfterTheClientTimeout() {
        Backend a = pooled(A);
        start(post("Transfer-Encoding", "chunked"));

        elapse(CLIENT_TIMEOUT.minus(NANO));
        assertThat(exchange.state()).as("the response timeout does not apply").isEqualTo(SENDING);

        elapse(NANO);
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.CLIENT_TIMEOUT);
        assertThat(listener.clientTimeouts()).isEqualTo(1);
        assertThat(outcomes).isEmpty();
        assertThat(a.channel.isOpen()).isFalse();
    }

    @Test
    void aBackendSilentMidAnswerForTheResponseTimeoutCutsTheClientOff() {
        Backend a = pooled(A);
        start(get());
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        elapse(RESPONSE_TIMEOUT);

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.aborted).isTrue();
        assertThat(client.rejection).isNull();
        assertThat(outcomes).containsExactly("TIMEOUT 200 a");
        assertThat(a.channel.isOpen()).isFalse();
    }

    @Test
    void aClientThatTakesNoAnswerIsCutOffAfterTheClientTimeoutNotTheResponseTimeout() {
        Backend a = pooled(A);
        start(get());
        client.writable = false;
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        elapse(RESPONSE_TIMEOUT);
        assertThat(exchange.state()).isEqualTo(RELAYING);

        elapse(CLIENT_TIMEOUT.minus(RESPONSE_TIMEOUT));
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.aborted).isTrue();
        assertThat(listener.clientTimeouts()).isEqualTo(1);
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(active.of(A.id())).isZero();
    }

    @Test
    void aGetWithoutAnswerWithinThePerTryTimeoutGoesToAnotherBackend() {
        retries = new RetryConfig(RetryConfig.DEFAULT_ATTEMPTS, false, Duration.ofSeconds(1));
        Backend a = pooled(A);
        Backend b = pooled(B);
        start(get());
        assertThat(a.received()).startsWith("GET /x");

        elapse(Duration.ofSeconds(1));

        assertThat(outcomes).containsExactly("TIMEOUT 0 a");
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("GET /x");
        assertThat(active.of(A.id())).isZero();
        assertThat(active.of(B.id())).isEqualTo(1);
    }

    @Test
    void aPostIsNotGivenUpByThePerTryTimeoutAndWaitsForTheResponseTimeout() {
        retries = new RetryConfig(RetryConfig.DEFAULT_ATTEMPTS, false, Duration.ofSeconds(1));
        Backend a = pooled(A);
        Backend b = pooled(B);
        start(post("Content-Length", "0"));

        elapse(Duration.ofSeconds(1));
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(a.channel.isOpen()).isTrue();

        elapse(RESPONSE_TIMEOUT.minusSeconds(1));
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_TIMEOUT);
        assertThat(outcomes).containsExactly("TIMEOUT 0 a");
        assertThat(b.received()).isEmpty();
    }

    @Test
    void aTimerThatFiresBetweenTwoTriesIsArmedAgainByTheNextTry() {
        Backend stale = pooled(A).reused();
        Backend b = pooled(B);
        start(get());
        elapse(RESPONSE_TIMEOUT.minusSeconds(1));
        // The fresh connection of the stale retry takes its connect timeout to fail; the exchange's
        // deadline passes meanwhile, while no connection is attached.
        onConnectFailure = () -> elapse(ClusterTimeouts.DEFAULT_CONNECT);

        stale.channel.close();
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(b.received()).startsWith("GET /x");

        // b never answers: the response timeout, counted from the request sent to b, still applies.
        elapse(RESPONSE_TIMEOUT);
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_TIMEOUT);
        assertThat(outcomes).containsExactly("CONNECT_FAILURE 0 a", "TIMEOUT 0 b");
    }

    // The client goes away

    @Test
    void theClientGoingAwayWhileSendingClosesTheBackendConnection() {
        Backend a = pooled(A);
        start(get());
        assertThat(active.of(A.id())).isEqualTo(1);

        exchange.onClientClosed();

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
        assertThat(active.of(A.id())).isZero();
        assertThat(client.rejection).isNull();
    }

    @Test
    void theClientGoingAwayWhileRelayingClosesTheBackendConnection() {
        Backend a = pooled(A);
        start(get());
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        assertThat(exchange.state()).isEqualTo(RELAYING);

        exchange.onClientClosed();

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(pool(A).idleCount()).isZero();
        assertThat(active.of(A.id())).isZero();
        assertThat(client.finished).isNull();
    }

    // SENDING → TUNNEL → DONE

    @Test
    void aSwitchToTheUpgradeAskedForHandsTheConnectionToATunnelThatHoldsTheBackendUntilItEnds() {
        Backend a = pooled(A);
        startUpgrade("websocket");
        assertThat(a.received()).contains("Connection: upgrade\r\nUpgrade: websocket\r\n");

        a.answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

        assertThat(exchange.state()).isEqualTo(TUNNEL);
        assertThat(client.statuses()).containsExactly(101);
        assertThat(client.tunnelBackend).isSameAs(a.channel);
        assertThat(outcomes).containsExactly("RESPONSE 101 a");
        assertThat(active.of(A.id())).as("a tunnel counts as an active request").isEqualTo(1);
        assertThat(pool(A).idleCount()).isZero();
        assertThat(a.channel.isOpen()).isTrue();
        assertThat(exchange.reusable()).isFalse();
        assertThat(tunnels.ofListener("web").open()).isEqualTo(1);
        assertThat(tunnels.ofBackend(A.id()).open()).isEqualTo(1);

        client.tunnelOwner.relayEnded(PairRelay.End.BACKEND_RESET);

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(active.of(A.id())).isZero();
        assertThat(outcomes).hasSize(1);
        for (TunnelCounts counts : List.of(tunnels.ofListener("web"), tunnels.ofBackend(A.id()))) {
            assertThat(counts.open()).isZero();
            assertThat(counts.ended(PairRelay.End.BACKEND_RESET)).isEqualTo(1);
            assertThat(counts.ended(PairRelay.End.CLOSED)).isZero();
        }
    }

    @Test
    void aSwitchToAnotherProtocolThanTheOneAskedForIsAnInvalidAnswer() {
        Backend a = pooled(A);
        startUpgrade("websocket");

        a.answer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n");

        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_FAILED);
        assertThat(a.channel.isOpen()).isFalse();
        assertThat(client.tunnelBackend).isNull();
    }

    // Reuse: an exchange kept by its event loop serves the next request

    @Test
    void anExchangeThatEndedCleanlyIsReusableAndStartsOverForTheNextRequest() {
        Backend a = pooled(A);
        start(get());
        assertThat(exchange.reusable()).as("attached to a backend connection").isFalse();
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(exchange.reusable()).isTrue();
        exchange.forget();

        ProxyExchange kept = exchange;
        client.written.forEach(ReferenceCountUtil::release);
        client.written.clear();
        a.received();
        start(get(), kept);

        assertThat(exchange).isSameAs(kept);
        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(a.received()).as("a, tried by the last request, may be tried by this one")
                .startsWith("GET /x HTTP/1.1\r\n");
        a.answer("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(exchange.state()).isEqualTo(DONE);
        assertThat(client.statuses()).containsExactly(204);
        assertThat(outcomes).containsExactly("RESPONSE 200 a", "RESPONSE 204 a");
    }

    @Test
    void anExchangeReusedAfterItsRetriesRanOutMayTryEveryBackendAgain() {
        start(get());
        assertThat(client.rejection).isEqualTo(Rejection.BACKEND_FAILED);
        assertThat(exchange.reusable()).isTrue();
        exchange.forget();
        Backend a = pooled(A);
        client.rejection = null;

        start(get(), exchange);

        assertThat(exchange.state()).isEqualTo(SENDING);
        assertThat(a.received()).startsWith("GET /x HTTP/1.1\r\n");
        assertThat(client.rejection).isNull();
        assertThat(active.of(A.id())).isEqualTo(1);
    }

    @Test
    void anExchangeCutOffWhileRelayingIsReusableOnceItsBackendConnectionIsClosed() {
        Backend a = pooled(A);
        start(get());
        a.answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        exchange.onClientClosed();

        assertThat(a.channel.isOpen()).isFalse();
        assertThat(active.of(A.id())).isZero();
        assertThat(exchange.reusable()).isTrue();
    }

    @Test
    void anExchangeInUseRefusesToStartAgain() {
        pooled(A);
        start(get());

        ClientRequest again = DecodedRequests.head(DecodedRequests.text(get()));
        try {
            assertThatThrownBy(() -> exchange.start(client, listener, listener.table().cluster(CLUSTER), null, again,
                    RequestTarget.parse(again.target(), again.options()), ClientHop.UNKNOWN))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            again.release();
        }
        assertThat(exchange.state()).isEqualTo(SENDING);
    }

    // The harness

    private static Endpoint endpoint(String host) {
        return new Endpoint(new BackendId(CLUSTER, new HostPort(host, 8080)), 1);
    }

    private ClusterConfig clusterConfig() {
        return new ClusterConfig(CLUSTER, BalancerKind.ROUND_ROBIN,
                List.of(BackendConfig.of(A.address()), BackendConfig.of(B.address()), BackendConfig.of(C.address())),
                null, null, ClusterTimeouts.defaults(), retries, PoolConfig.defaults(), 0);
    }

    private BackendPool pool(Endpoint endpoint) {
        return pools.pool(clientLoop.eventLoop(), endpoint, clusterConfig());
    }

    /** A backend connection sitting idle in {@code endpoint}'s pool, as after a clean exchange. */
    private Backend pooled(Endpoint endpoint) {
        Backend backend = new Backend();
        backends.add(backend);
        pool(endpoint).release(backend.channel);
        return backend;
    }

    /** Starts an exchange of {@code request}; round robin picks a, then b, then c. */
    private void start(HttpRequest request) {
        start(request, new ProxyExchange());
    }

    /** Starts {@code reused} (a new exchange, or one that ended) on {@code request}. */
    private void start(HttpRequest request, ProxyExchange reused) {
        start(request, reused, false);
    }

    private void start(HttpRequest request, ProxyExchange reused, boolean upgrade) {
        ListenerConfig config = new ListenerConfig("web", new HostPort("127.0.0.1", 8080), Protocol.HTTP,
                List.of(RouteConfig.catchAll(CLUSTER)), null, null, ListenerTimeouts.defaults(),
                new ListenerLimits(ListenerLimits.DEFAULT_MAX_REQUEST_LINE_BYTES,
                        ListenerLimits.DEFAULT_MAX_HEADER_BYTES, maxBodyBytes, ListenerLimits.DEFAULT_MAX_CONNECTIONS));
        ClusterConfig cluster = clusterConfig();
        ClusterRuntime runtime = new ClusterRuntime(cluster, Balancers.create(cluster));
        listener = new HttpListenerContext(config, null, RoutingTable.of(config, Map.of(CLUSTER, runtime), null),
                upstream, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), tunnels);
        ClientRequest read = DecodedRequests.head(DecodedRequests.text(request));
        read.upgrade(upgrade);
        exchange = reused;
        exchange.start(client, listener, runtime, null, read,
                RequestTarget.parse(read.target(), read.options()), ClientHop.UNKNOWN);
    }

    /** Starts an exchange of a GET asking to upgrade to {@code protocol}, as the decoder marks one the listener passes on. */
    private void startUpgrade(String protocol) {
        HttpRequest request = get();
        request.headers().set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, protocol);
        start(request, new ProxyExchange(), true);
    }

    private static HttpRequest get() {
        return request(HttpVersion.HTTP_1_1, HttpMethod.GET);
    }

    private static HttpRequest post(String framingHeader, String value) {
        HttpRequest request = request(HttpVersion.HTTP_1_1, HttpMethod.POST);
        request.headers().set(framingHeader, value);
        return request;
    }

    private static HttpRequest request(HttpVersion version, HttpMethod method) {
        HttpRequest request = new DefaultHttpRequest(version, method, "/x");
        request.headers().set(HttpHeaderNames.HOST, "example.com");
        return request;
    }

    private static HttpContent piece(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, US_ASCII));
    }

    private static HttpContent last(String text) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, US_ASCII));
    }

    private long now() {
        return clientLoop.eventLoop().ticker().nanoTime();
    }

    /** Moves virtual time on by {@code duration}, firing the exchange timer at each deadline armed meanwhile. */
    private void elapse(Duration duration) {
        long end = now() + duration.toNanos();
        while (client.deadline != null && client.deadline - end <= 0) {
            clientLoop.advanceTimeBy(Math.max(0, client.deadline - now()), TimeUnit.NANOSECONDS);
            client.deadline = null;
            exchange.onTimer();
        }
        clientLoop.advanceTimeBy(end - now(), TimeUnit.NANOSECONDS);
    }

    /** A backend connection: its channel, and the flushes of what the exchange wrote to it. */
    private static final class Backend {
        final EmbeddedChannel channel;
        int flushes;

        Backend() {
            channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    flushes++;
                    ctx.flush();
                }
            }, new BackendCodec(), new BackendConnection());
        }

        /** Counts as a connection that served an exchange before, so the backend may have closed it while idle. */
        Backend reused() {
            BackendConnection.of(channel).detach();
            return this;
        }

        /** The bytes the exchange sent so far, taken. */
        String received() {
            StringBuilder text = new StringBuilder();
            ByteBuf bytes;
            while ((bytes = channel.readOutbound()) != null) {
                text.append(bytes.toString(US_ASCII));
                bytes.release();
            }
            return text.toString();
        }

        /** One read of {@code bytes} from the backend, with its read complete. */
        void answer(String bytes) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, US_ASCII));
        }

        /** One read of {@code bytes} without its read complete yet. */
        void read(String bytes) {
            channel.pipeline().fireChannelRead(Unpooled.copiedBuffer(bytes, US_ASCII));
        }

        void readComplete() {
            channel.pipeline().fireChannelReadComplete();
        }
    }

    /** The client connection as the exchange sees it, keeping what the exchange did to it. */
    private final class RecordingClient implements ClientSide {
        final List<Object> written = new ArrayList<>();
        int flushes;
        int readRequests;
        /** The virtual time the exchange timer fires at; {@code null} when not armed. */
        Long deadline;
        Boolean finished;
        Rejection rejection;
        boolean errorKeepAlive;
        boolean aborted;
        boolean writable = true;
        Channel tunnelBackend;
        PairRelay.Owner tunnelOwner;

        /** The statuses of the heads written, interim and final, in order. */
        List<Integer> statuses() {
            return written.stream().filter(Integer.class::isInstance).map(Integer.class::cast).toList();
        }

        String body() {
            StringBuilder text = new StringBuilder();
            for (Object part : written) {
                if (part instanceof ByteBuf data) {
                    text.append(data.toString(US_ASCII));
                } else if (part instanceof HttpContent content) {
                    text.append(content.content().toString(US_ASCII));
                }
            }
            return text.toString();
        }

        boolean endedWithLastPart() {
            return !written.isEmpty() && written.get(written.size() - 1) instanceof LastHttpContent;
        }

        @Override
        public void requestRead() {
            readRequests++;
        }

        @Override
        public void writeInterim(ResponseHead head) {
            written.add(head.status());
        }

        @Override
        public boolean writeHead(ResponseHead head, boolean keepAliveWanted) {
            written.add(head.status());
            return keepAliveWanted;
        }

        @Override
        public void writeBody(ByteBuf data) {
            written.add(data);
        }

        @Override
        public void writeEnd(LastHttpContent last) {
            written.add(last);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public EventLoop eventLoop() {
            return clientLoop.eventLoop();
        }

        @Override
        public boolean closing() {
            return false;
        }

        @Override
        public String remoteAddress() {
            return "198.51.100.7";
        }


        @Override

        public javax.net.ssl.SSLSession tlsSession() {

            return null;

        }

        @Override
        public void armExchangeTimer(long nanos) {
            deadline = now() + nanos;
        }

        @Override
        public void cancelExchangeTimer() {
            deadline = null;
        }

        @Override
        public void exchangeFinished(boolean keepAlive) {
            finished = keepAlive;
        }

        @Override
        public void respondWithError(Rejection error, boolean keepAlive, boolean http10) {
            rejection = error;
            errorKeepAlive = keepAlive;
            deadline = null;
        }

        @Override
        public void abort() {
            aborted = true;
            deadline = null;
        }

        @Override
        public void openTunnel(ResponseHead head, Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic) {
            written.add(head.status());
            tunnelBackend = backend;
            tunnelOwner = owner;
            // As the real client side does: the backend's connection is the relay's from now on.
            PairRelay pair = new PairRelay(clientLoop, backend, false, owner, null, traffic);
            backend.pipeline().replace(BackendConnection.class, "relay", new RelayHandler(pair));
        }
    }
}
