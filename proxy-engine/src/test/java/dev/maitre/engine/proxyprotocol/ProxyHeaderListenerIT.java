package dev.maitre.engine.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.proxyprotocol.ProxyHeaderCounts.Refusal;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.Http2FrameClient;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A listener with {@code proxyProtocol: true} as raw sockets see it: the address a trusted peer's
 * header names is the client's, and every connection without a good header from a trusted peer is
 * closed before anything reaches a backend.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyHeaderListenerIT {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n";

    /** A v2 PROXY header naming 192.0.2.10:5555 → 198.51.100.1:443 over TCP4. */
    static byte[] v2Header() {
        byte[] header = new byte[16 + 12];
        byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
        System.arraycopy(signature, 0, header, 0, 12);
        header[12] = 0x21; // version 2, PROXY
        header[13] = 0x11; // TCP over IPv4
        header[15] = 12;
        byte[] addresses = {(byte) 192, 0, 2, 10, (byte) 198, 51, 100, 1, 0x15, (byte) 0xB3, 0x01, (byte) 0xBB};
        System.arraycopy(addresses, 0, header, 16, 12);
        return header;
    }

    /** A v2 LOCAL header, which a balancer in front sends for its own health checks. */
    static byte[] v2Local() {
        byte[] header = Arrays.copyOf(v2Header(), 16);
        header[12] = 0x20;
        header[13] = 0x00;
        header[15] = 0;
        return header;
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }

    private static ProxyFixture.Builder proxy(RawBackend backend) {
        return ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.1/32").proxyProtocol(true);
    }

    @Test
    void theAddressAV1HeaderNamesIsTheClientsAddress() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start();
             RawClient client = proxy.client()) {
            client.send("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n" + REQUEST);
            assertThat(client.response().status()).isEqualTo(200);
            client.send(REQUEST);
            assertThat(client.response().status()).isEqualTo(200);

            assertThat(backend.requests()).extracting(r -> r.header("X-Forwarded-For"))
                    .containsExactly("192.0.2.10", "192.0.2.10");
            assertThat(counts(proxy).read()).isEqualTo(1);
        }
    }

    @Test
    void theAddressAV2HeaderNamesIsTheClientsAddressAndAHeaderMayComeInPieces() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start();
             RawClient client = proxy.client()) {
            byte[] header = v2Header();
            client.send(Arrays.copyOf(header, 10));
            Thread.sleep(100);
            client.send(concat(Arrays.copyOfRange(header, 10, header.length), REQUEST));
            assertThat(client.response().status()).isEqualTo(200);

            assertThat(backend.requests().get(0).header("X-Forwarded-For")).isEqualTo("192.0.2.10");
        }
    }

    @Test
    void aLocalOrUnknownHeaderKeepsThePeersOwnAddress() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start()) {
            try (RawClient client = proxy.client()) {
                client.send(concat(v2Local(), REQUEST));
                assertThat(client.response().status()).isEqualTo(200);
            }
            try (RawClient client = proxy.client()) {
                client.send("PROXY UNKNOWN\r\n" + REQUEST);
                assertThat(client.response().status()).isEqualTo(200);
            }
            assertThat(backend.requests()).extracting(r -> r.header("X-Forwarded-For"))
                    .containsExactly("127.0.0.1", "127.0.0.1");
        }
    }

    @Test
    void aPeerNotAmongTheTrustedProxiesIsClosedEvenWithAHeader() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.2/32")
                     .proxyProtocol(true).start();
             RawClient client = proxy.client()) {
            client.send("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n" + REQUEST);

            assertThat(client.isClosedByPeer(10_000)).isTrue();
            assertThat(backend.connectionsAccepted()).isZero();
            await().untilAsserted(() -> assertThat(counts(proxy).refused(Refusal.UNTRUSTED)).isEqualTo(1));
            await().untilAsserted(() -> assertThat(proxy.engine().openConnections()).isZero());
        }
    }

    @Test
    void aRequestWithoutAHeaderIsClosed() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start();
             RawClient client = proxy.client()) {
            client.send(REQUEST);

            assertThat(client.isClosedByPeer(10_000)).isTrue();
            assertThat(backend.connectionsAccepted()).isZero();
            await().untilAsserted(() -> assertThat(counts(proxy).refused(Refusal.MALFORMED)).isEqualTo(1));
        }
    }

    @Test
    void aV1HeaderLongerThanTheSpecificationAllowsIsClosed() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start();
             RawClient client = proxy.client()) {
            client.send("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443" + " ".repeat(200));

            assertThat(client.isClosedByPeer(10_000)).isTrue();
            assertThat(backend.connectionsAccepted()).isZero();
            await().untilAsserted(() -> assertThat(counts(proxy).refused(Refusal.MALFORMED)).isEqualTo(1));
        }
    }

    @Test
    void aHeaderThatDoesNotArriveWithinTheRequestHeaderTimeoutIsClosed() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).listenerTimeouts(Duration.ofMillis(500), Duration.ofSeconds(60))
                     .start();
             RawClient client = proxy.client()) {
            client.send("PROXY TCP4 192.0.2");

            assertThat(client.isClosedByPeer(10_000)).isTrue();
            await().untilAsserted(() -> assertThat(counts(proxy).refused(Refusal.TIMEOUT)).isEqualTo(1));
            await().untilAsserted(() -> assertThat(proxy.engine().openConnections()).isZero());
        }
    }

    @Test
    void theHeaderComesBeforeTheTlsHandshake() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
        try (RawBackend backend = RawBackend.answering("secret");
             ProxyFixture proxy = proxy(backend)
                     .tls(new TlsConfig(certificate.certificate().toPath(), certificate.privateKey().toPath()))
                     .start();
             Socket plain = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
            plain.getOutputStream().write(v2Header());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustEverything()}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, "localhost", proxy.address().getPort(), true)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                InputStream in = new BufferedInputStream(socket.getInputStream());
                HttpMessage response = HttpMessage.readResponse(in, false);
                assertThat(response.status()).isEqualTo(200);
            }
            assertThat(backend.requests().get(0).header("X-Forwarded-For")).isEqualTo("192.0.2.10");
            assertThat(backend.requests().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
        } finally {
            certificate.delete();
        }
    }

    @Test
    void aReloadThatTurnsTheHeaderOnAppliesToNewConnections() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).trustedProxies("127.0.0.1/32").start();
             RawClient before = proxy.client()) {
            before.send(REQUEST);
            assertThat(before.response().status()).isEqualTo(200);

            proxy.engine().reload(proxy(backend).config());

            before.send(REQUEST);
            assertThat(before.response().status()).as("an open connection keeps going").isEqualTo(200);
            try (RawClient withoutHeader = proxy.client()) {
                withoutHeader.send(REQUEST);
                assertThat(withoutHeader.isClosedByPeer(10_000)).isTrue();
            }
            try (RawClient withHeader = proxy.client()) {
                withHeader.send("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n" + REQUEST);
                assertThat(withHeader.response().status()).isEqualTo(200);
            }
            assertThat(backend.requests()).extracting(r -> r.header("X-Forwarded-For"))
                    .containsExactly("127.0.0.1", "127.0.0.1", "192.0.2.10");
        }
    }

    @Test
    void anHttp2ClientBehindAHeaderIsKnownByTheHeadersAddress() throws Exception {
        try (RawBackend backend = RawBackend.answering("ok");
             ProxyFixture proxy = proxy(backend).start();
             Http2FrameClient client = Http2FrameClient.builder(proxy.address()).preamble(v2Header()).connect()) {
            client.headers(1, new DefaultHttp2Headers().method("GET").scheme("http").authority("shop.example")
                    .path("/"), true);
            assertThat(client.awaitResponse(1).status()).isEqualTo(200);

            assertThat(backend.requests().get(0).header("X-Forwarded-For")).isEqualTo("192.0.2.10");
        }
    }

    @Test
    void aTcpListenerPassesTheHeadersClientOnInItsOwnHeader() throws Exception {
        try (RawBackend backend = RawBackend.start(connection -> {
                 byte[] line = new byte[64];
                 int n = connection.input().read(line);
                 connection.write(new String(line, 0, n, StandardCharsets.ISO_8859_1));
             });
             ProxyFixture proxy = ProxyFixture.builder(backend.address()).tcp().trustedProxies("127.0.0.1/32")
                     .proxyProtocol(true).clusterProxyProtocol(ProxyProtocolVersion.V1)
                     .start();
             RawClient client = new RawClient(proxy.address(), InetAddress.getByName("127.0.0.1"))) {
            client.send(v2Header());
            byte[] seen = client.socket().getInputStream().readNBytes(
                    "PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n".length());
            assertThat(new String(seen, StandardCharsets.ISO_8859_1))
                    .isEqualTo("PROXY TCP4 192.0.2.10 198.51.100.1 5555 443\r\n");
        }
    }

    private static ProxyHeaderCounts counts(ProxyFixture proxy) {
        return proxy.engine().proxyHeaders(ProxyFixture.LISTENER);
    }

    /** The test's own self-signed certificate is the only one it will meet. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
