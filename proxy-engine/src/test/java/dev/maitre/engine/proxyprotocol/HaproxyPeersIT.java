package dev.maitre.engine.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HaproxyProcess;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import dev.maitre.testing.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * maitre and a real HAProxy speaking the PROXY protocol to each other, both ways: HAProxy in front
 * ({@code send-proxy}, {@code send-proxy-v2}) telling maitre who the client is, and HAProxy behind a
 * cluster with {@code proxyProtocol} ({@code bind ... accept-proxy}) learning it from maitre. The
 * clients connect from 127.0.0.5 and up, so that their address differs from HAProxy's and maitre's own
 * 127.0.0.1.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HaproxyPeersIT {

    private static final String REQUEST = "GET /where HTTP/1.1\r\nHost: shop.example\r\n\r\n";

    @TempDir
    Path dir;

    private static String defaults(String mode) {
        return "global\n  maxconn 200\ndefaults\n  mode " + mode + "\n  timeout connect 5s\n  timeout client 30s\n"
                + "  timeout server 30s\n";
    }

    /** HAProxy in tcp mode on its port 0, passing every connection to {@code maitre} with {@code sendProxy}. */
    private HaproxyProcess inFront(InetSocketAddress maitre, String sendProxy) {
        return HaproxyProcess.start(dir, 1, ports -> defaults("tcp")
                + "frontend in\n  bind 127.0.0.1:" + ports[0] + "\n  default_backend maitre\n"
                + "backend maitre\n  server m 127.0.0.1:" + maitre.getPort() + " " + sendProxy + "\n");
    }

    /** HAProxy in http mode on its port 0, reading a PROXY header and telling {@code backend} the source as X-Src. */
    private HaproxyProcess behind(RawBackend backend) {
        return HaproxyProcess.start(dir, 1, ports -> defaults("http")
                + "frontend in\n  bind 127.0.0.1:" + ports[0] + " accept-proxy\n"
                + "  http-request set-header X-Src %[src]\n  default_backend app\n"
                + "backend app\n  server b 127.0.0.1:" + backend.address().port() + "\n");
    }

    private static InetAddress loopback(int last) throws Exception {
        return InetAddress.getByName("127.0.0." + last);
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy-v2", "send-proxy"})
    void behindHaproxyTheBackendAndTheAccessLogSeeTheOriginalClient(String sendProxy) throws Exception {
        Logger accessLogger = (Logger) LoggerFactory.getLogger("maitre.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Level before = accessLogger.getLevel();
        accessLogger.setLevel(Level.INFO);
        lines.start();
        accessLogger.addAppender(lines);
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.1/32")
                     .proxyProtocol(true).accessLog(true).start();
             HaproxyProcess haproxy = inFront(proxy.address(), sendProxy);
             RawClient client = new RawClient(haproxy.address(0), loopback(5))) {
            client.send(REQUEST);
            assertThat(client.response().status()).isEqualTo(200);

            HttpMessage seen = backend.requests().get(0);
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.5");
            await().untilAsserted(() -> assertThat(List.copyOf(lines.list)).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("127.0.0.5 \"GET /where HTTP/1.1\" 200")));
        } finally {
            accessLogger.detachAppender(lines);
            accessLogger.setLevel(before);
        }
    }

    @Test
    void consistentHashingBehindHaproxyHashesTheOriginalClient() throws Exception {
        List<RawBackend> backends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int id = i;
            backends.add(RawBackend.eachRequest((request, connection) ->
                    connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + id)));
        }
        try (ProxyFixture behindHaproxy = ProxyFixture.builder(backends.stream().map(RawBackend::address)
                     .toArray(HostPort[]::new)).balancer(BalancerKind.CONSISTENT_HASH)
                     .trustedProxies("127.0.0.1/32").proxyProtocol(true).start();
             ProxyFixture direct = ProxyFixture.builder(backends.stream().map(RawBackend::address)
                     .toArray(HostPort[]::new)).balancer(BalancerKind.CONSISTENT_HASH).start();
             HaproxyProcess haproxy = inFront(behindHaproxy.address(), "send-proxy-v2")) {
            List<String> throughHaproxy = new ArrayList<>();
            List<String> directly = new ArrayList<>();
            for (int last = 5; last < 25; last++) {
                throughHaproxy.add(answer(haproxy.address(0), loopback(last)));
                directly.add(answer(direct.address(), loopback(last)));
            }
            assertThat(throughHaproxy).as("each client goes where it goes when it connects directly")
                    .isEqualTo(directly);
            assertThat(new HashSet<>(directly)).as("the clients are spread, so a hash of HAProxy's own address would show")
                    .hasSizeGreaterThan(1);
        } finally {
            for (RawBackend backend : backends) {
                backend.close();
            }
        }
    }

    private static String answer(InetSocketAddress to, InetAddress from) throws Exception {
        try (RawClient client = new RawClient(to, from)) {
            client.send(REQUEST);
            return client.response().bodyText();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"V1", "V2"})
    void haproxyBehindAClusterWithProxyProtocolSeesEachClientEvenOnPooledConnections(String version)
            throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = behind(backend);
             ProxyFixture proxy = ProxyFixture.builder(new HostPort("127.0.0.1", haproxy.port(0)))
                     .clusterProxyProtocol(ProxyProtocolVersion.valueOf(version)).workers(1).start()) {
            for (int round = 0; round < 2; round++) {
                for (int last = 5; last < 8; last++) {
                    try (RawClient client = new RawClient(proxy.address(), loopback(last))) {
                        client.send(REQUEST);
                        assertThat(client.response().status()).isEqualTo(200);
                        client.send(REQUEST);
                        assertThat(client.response().status()).isEqualTo(200);
                    }
                }
            }
            assertThat(backend.requests()).extracting(r -> r.header("X-Src")).containsExactly(
                    "127.0.0.5", "127.0.0.5", "127.0.0.6", "127.0.0.6", "127.0.0.7", "127.0.0.7",
                    "127.0.0.5", "127.0.0.5", "127.0.0.6", "127.0.0.6", "127.0.0.7", "127.0.0.7");
        }
    }

    @Test
    void toAnH2cClusterEachClientHasItsOwnConnection() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = HaproxyProcess.start(dir, 1, ports -> defaults("http")
                     + "frontend in\n  bind 127.0.0.1:" + ports[0] + " accept-proxy proto h2\n"
                     + "  http-request set-header X-Src %[src]\n  default_backend app\n"
                     + "backend app\n  server b 127.0.0.1:" + backend.address().port() + "\n");
             ProxyFixture proxy = ProxyFixture.builder(new HostPort("127.0.0.1", haproxy.port(0)))
                     .clusterProtocol(BackendProtocol.H2C).clusterProxyProtocol(ProxyProtocolVersion.V2)
                     .workers(1).start()) {
            for (int last = 11; last < 14; last++) {
                try (RawClient client = new RawClient(proxy.address(), loopback(last))) {
                    client.send(REQUEST);
                    assertThat(client.response().status()).isEqualTo(200);
                }
            }
            assertThat(backend.requests()).extracting(r -> r.header("X-Src"))
                    .containsExactly("127.0.0.11", "127.0.0.12", "127.0.0.13");
        }
    }

    @Test
    void toATlsClusterTheHeaderGoesFirstInClearText() throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority("proxy protocol CA");
        TestCertificates.PemFiles pem = ca.issue(TestCertificates.KeyKind.ECDSA, "backend.test").write(dir, "backend");
        Path combined = Files.writeString(dir.resolve("backend-combined.pem"),
                Files.readString(pem.certFile()) + Files.readString(pem.keyFile()));
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = HaproxyProcess.start(dir, 1, ports -> defaults("http")
                     + "frontend in\n  bind 127.0.0.1:" + ports[0] + " accept-proxy ssl crt " + combined + "\n"
                     + "  http-request set-header X-Src %[src]\n  default_backend app\n"
                     + "backend app\n  server b 127.0.0.1:" + backend.address().port() + "\n");
             ProxyFixture proxy = ProxyFixture.builder(new HostPort("127.0.0.1", haproxy.port(0)))
                     .clusterTls(ClusterTlsConfig.defaults().withCaFile(ca.writeCertificate(dir, "ca.pem"))
                             .withServerName("backend.test"))
                     .clusterProxyProtocol(ProxyProtocolVersion.V2).start();
             RawClient client = new RawClient(proxy.address(), loopback(10))) {
            client.send(REQUEST);
            assertThat(client.response().status()).isEqualTo(200);

            assertThat(backend.requests().get(0).header("X-Src")).isEqualTo("127.0.0.10");
        }
    }

    @Test
    void aTcpListenerTellsHaproxyBehindItTheClient() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             HaproxyProcess haproxy = behind(backend);
             ProxyFixture proxy = ProxyFixture.builder(new HostPort("127.0.0.1", haproxy.port(0)))
                     .tcp().clusterProxyProtocol(ProxyProtocolVersion.V2).start();
             RawClient client = new RawClient(proxy.address(), loopback(9))) {
            client.send(REQUEST);
            assertThat(client.response().status()).isEqualTo(200);

            assertThat(backend.requests().get(0).header("X-Src")).isEqualTo("127.0.0.9");
        }
    }
}
