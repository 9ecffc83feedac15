package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.BackendId;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.net.SocketException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a client of a tcp listener observes: the backend's bytes, exactly, and its ends and resets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpRelayIT {

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void oneMebibyteComesBackByteForByte(RelayMode relay) throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(5).nextBytes(payload);
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return TcpPeers.readAll(client.input());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            client.send(payload);
            client.socket().shutdownOutput();

            assertThat(echoed.get(20, TimeUnit.SECONDS)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void clientHalfCloseReachesTheBackendWhichStillAnswers(RelayMode relay) throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 received.set(TcpPeers.readAllText(connection.input()));
                 connection.write("answer after your end");
                 connection.socket().shutdownOutput();
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            client.send("question");
            client.socket().shutdownOutput();

            assertThat(TcpPeers.readAllText(client.input())).isEqualTo("answer after your end");
            assertThat(received.get()).isEqualTo("question");
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void backendHalfCloseReachesTheClientWhichStillSends(RelayMode relay) throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.write("greeting");
                 connection.socket().shutdownOutput();
                 received.set(TcpPeers.readAllText(connection.input()));
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            assertThat(TcpPeers.readAllText(client.input())).isEqualTo("greeting");

            client.send("still talking");
            client.socket().shutdownOutput();

            waitUntil(() -> received.get() != null);
            assertThat(received.get()).isEqualTo("still talking");
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void backendResetReachesTheClientAsAReset(RelayMode relay) throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.input().read();
                 connection.socket().setSoLinger(true, 0);
                 connection.socket().close();
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            client.send("x");

            assertThatThrownBy(() -> TcpPeers.readAll(client.input()))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
            waitUntil(() -> !proxy.outcomes().isEmpty());
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.RESET);
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void clientResetReachesTheBackendAsAReset(RelayMode relay) throws Exception {
        AtomicReference<Throwable> backendSaw = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 try {
                     connection.input().transferTo(java.io.OutputStream.nullOutputStream());
                     backendSaw.set(new AssertionError("end of stream"));
                 } catch (IOException e) {
                     backendSaw.set(e);
                 }
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            client.send("x");
            waitUntil(() -> proxy.engine().activeRequests(backendId(backend)) == 1);
            client.socket().setSoLinger(true, 0);
            client.close();

            waitUntil(() -> backendSaw.get() != null);
            assertThat(backendSaw.get()).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void aConnectionCountsAsActiveWhilePairedAndEndsWithOneCleanOutcome(RelayMode relay) throws Exception {
        try (RawBackend backend = TcpPeers.echo();
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start()) {
            try (RawClient client = proxy.client()) {
                client.send("ping");
                assertThat(TcpPeers.readText(client.input(), 4)).isEqualTo("ping");
                assertThat(proxy.engine().activeRequests(backendId(backend))).isEqualTo(1);
                assertThat(proxy.engine().openConnections()).isEqualTo(1);
                client.socket().shutdownOutput();
                assertThat(client.input().read()).isEqualTo(-1);
            }

            waitUntil(() -> !proxy.outcomes().isEmpty());
            Outcome outcome = proxy.outcomes().get(0);
            assertThat(outcome.kind()).isEqualTo(Outcome.Kind.RESPONSE);
            assertThat(outcome.status()).isZero();
            assertThat(outcome.endpoint().address()).isEqualTo(backend.address());
            waitUntil(() -> proxy.engine().activeRequests(backendId(backend)) == 0);
            assertThat(proxy.outcomes()).hasSize(1);
        }
    }

    static BackendId backendId(RawBackend backend) {
        return new BackendId(ProxyFixture.CLUSTER, backend.address());
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
