package dev.maitre.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.ListeningSockets;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On epoll, every worker loop accepts on a listening socket of its own, all bound to the listener's
 * address: what {@code ss -ltnp} shows (read here from {@code /proc/net/tcp}), and that everything
 * which stops or limits a listener takes all of its sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AcceptOnEveryWorkerIT {

    /** Enough connections that the kernel gives some to each of two sockets: all to one is a chance of 2^-19. */
    private static final int CONNECTIONS = 20;

    @BeforeEach
    void onLinux() {
        assumeTrue(ListeningSockets.available(), "needs /proc/net/tcp");
    }

    @Test
    void eachOfTwoWorkerLoopsListensOnASocketOfItsOwnAtThePortChosenForPortZero() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            assumeTrue(proxy.engine().transportName().equals("epoll"), "the native epoll transport");
            InetSocketAddress address = proxy.address();

            assertThat(address.getPort()).isNotZero();
            assertThat(ListeningSockets.on(address)).hasSize(2);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(threadsNamed("maitre-accept")).as("no accept loop").isEmpty());
        }
    }

    @Test
    void onNioOneAcceptLoopListensOnOneSocket() throws Exception {
        String before = System.getProperty("maitre.transport");
        System.setProperty("maitre.transport", "nio");
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            assertThat(proxy.engine().transportName()).isEqualTo("nio");
            assertThat(ListeningSockets.on(proxy.address())).hasSize(1);
            assertThat(threadsNamed("maitre-accept")).as("the accept loop").isNotEmpty();
            try (RawClient client = proxy.client()) {
                assertThat(client.get("/").bodyText()).isEqualTo("ok");
            }
        } finally {
            if (before == null) {
                System.clearProperty("maitre.transport");
            } else {
                System.setProperty("maitre.transport", before);
            }
        }
    }

    @Test
    void newConnectionsAreAnsweredAndServedOnBothWorkerLoops() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                try (RawClient client = proxy.client()) {
                    assertThat(client.get("/" + i).bodyText()).isEqualTo("ok");
                }
            }

            // One request at a time, and each loop keeps its own pooled backend connection: one
            // backend connection per loop that served.
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void aSecondEngineOnTheAddressOfARunningOneFailsSayingItIsInUse() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            InetSocketAddress address = proxy.address();
            ProxyConfig config = ProxyFixture.builder(backend.address()).workers(2).config();
            ProxyConfig same = withListener(config, renamed(listener(config), ProxyFixture.LISTENER,
                    new HostPort("127.0.0.1", address.getPort())));

            assertThatThrownBy(() -> ProxyEngine.start(same, cluster -> List.of(), outcome -> { }).close())
                    .isInstanceOf(EngineStartException.class)
                    .hasMessageStartingWith("listener web: cannot bind 127.0.0.1:" + address.getPort())
                    .hasMessageContaining("in use");
            assertThat(ListeningSockets.on(address)).hasSize(sockets(proxy));
        }
    }

    @Test
    void aListenerMovedByAReloadClosesEveryOneOfItsSockets() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            InetSocketAddress old = proxy.address();
            ProxyConfig config = ProxyFixture.builder(backend.address()).workers(2).config();

            proxy.engine().reload(withListener(config, renamed(listener(config), ProxyFixture.LISTENER,
                    new HostPort("127.0.0.2", 0))));

            assertThat(ListeningSockets.on(old)).isEmpty();
            assertAllRefused(old);
            assertThat(ListeningSockets.on(proxy.address())).hasSize(sockets(proxy));
            try (RawClient client = proxy.client()) {
                assertThat(client.get("/").bodyText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void aListenerRemovedByAReloadClosesEveryOneOfItsSockets() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            InetSocketAddress old = proxy.address();
            ProxyConfig config = ProxyFixture.builder(backend.address()).workers(2).config();

            proxy.engine().reload(withListener(config, renamed(listener(config), "www", new HostPort("127.0.0.1", 0))));

            assertThat(ListeningSockets.on(old)).isEmpty();
            assertAllRefused(old);
            assertThat(ListeningSockets.on(proxy.engine().address("www"))).hasSize(sockets(proxy));
        }
    }

    @Test
    void aReloadThatCannotBindEveryListenerLeavesNoSocketOfTheNewOnesOpen() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start();
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> before = ListeningSockets.all();
            ProxyConfig config = ProxyFixture.builder(backend.address()).workers(2).config();
            ListenerConfig web = listener(config);

            assertThatThrownBy(() -> proxy.engine().reload(withListener(config, web,
                    renamed(web, "fresh", new HostPort("127.0.0.1", 0)),
                    renamed(web, "clash", new HostPort("127.0.0.1", taken.getLocalPort())))))
                    .hasMessageStartingWith("listener clash: cannot bind 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("in use");

            assertThat(ListeningSockets.all()).containsExactlyInAnyOrderElementsOf(before);
            try (RawClient client = proxy.client()) {
                assertThat(client.get("/").bodyText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void gracefulShutdownStopsAcceptingOnEverySocketWhileARequestFinishes() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.eachRequest((request, connection) -> {
                 arrived.countDown();
                 answer.await(20, TimeUnit.SECONDS);
                 connection.respond("late");
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start();
             RawClient inFlight = proxy.client()) {
            InetSocketAddress address = proxy.address();
            inFlight.send("GET /slow HTTP/1.1\r\nHost: test.local\r\n\r\n");
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the backend got the request").isTrue();

            CompletableFuture<Void> stopped = proxy.engine().shutdown(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ListeningSockets.on(address)).isEmpty());
            assertAllRefused(address);
            assertThat(stopped).isNotDone();

            answer.countDown();
            HttpMessage response = inFlight.response();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("late");
            stopped.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void gracefulShutdownEndsTheIdleConnectionsEverySocketAccepted() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).start()) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawClient client = proxy.client();
                    clients.add(client);
                    assertThat(client.get("/").bodyText()).isEqualTo("ok");
                }

                CompletableFuture<Void> stopped = proxy.engine().shutdown(Duration.ofSeconds(30));

                for (RawClient client : clients) {
                    assertThat(client.isClosedByPeer(10_000)).isTrue();
                }
                stopped.get(10, TimeUnit.SECONDS);
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void maxConnectionsHoldsOverAllTheSocketsOfAListener() throws Exception {
        int limit = 3;
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).workers(2).maxConnections(limit).start()) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    clients.add(proxy.client());
                }
                int answered = 0;
                for (RawClient client : clients) {
                    if (answers(client)) {
                        answered++;
                    }
                }

                assertThat(answered).isEqualTo(limit);
                assertThat(proxy.engine().openConnections()).isEqualTo(limit);
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    private static boolean answers(RawClient client) {
        try {
            return client.get("/").status() == 200;
        } catch (IOException closedAtAccept) {
            return false;
        }
    }

    /** Every one of many connections is refused: none of the listener's sockets is left listening. */
    private static void assertAllRefused(InetSocketAddress address) {
        for (int i = 0; i < CONNECTIONS; i++) {
            assertThatThrownBy(() -> new RawClient(address).close()).isInstanceOf(java.net.ConnectException.class);
        }
    }

    private static int sockets(ProxyFixture proxy) {
        return proxy.engine().transportName().equals("epoll") ? 2 : 1;
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    private static ListenerConfig listener(ProxyConfig config) {
        return config.listeners().get(0);
    }

    private static ListenerConfig renamed(ListenerConfig l, String name, HostPort bind) {
        return new ListenerConfig(name, bind, l.protocol(), l.routes(), l.cluster(), l.tls(), l.timeouts(), l.limits(),
                l.relay(), l.trustedProxies(), l.headers());
    }

    private static ProxyConfig withListener(ProxyConfig config, ListenerConfig... listeners) {
        return new ProxyConfig(config.admin(), config.workers(), config.shutdownDelay(), config.shutdownGracePeriod(),
                config.accessLog(), List.of(listeners), config.clusters());
    }
}
