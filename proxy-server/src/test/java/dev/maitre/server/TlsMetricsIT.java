package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.server.reload.ReloadResult;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener's handshakes and certificate as {@code GET /metrics} shows them: a completed
 * handshake by protocol and cipher, plain HTTP to the TLS port as a {@code not_tls} failure, the days
 * the certificate has left, and after a reload that finds the file renewed, the new date.
 */
@Timeout(60)
class TlsMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Authority authority;
    private RawBackend backend;
    private MaitreServer server;
    private Path file;

    @BeforeEach
    void startMaitreWithACertificateThatExpiresIn10Days() throws Exception {
        authority = TestCertificates.authority("maitre test CA");
        PemFiles shop = authority.issue(KeyKind.ECDSA, Instant.now().plus(Duration.ofDays(10)), "shop.example.test")
                .write(dir, "shop");
        backend = RawBackend.answering("ok");
        file = ConfigFiles.write(dir, "maitre.yaml", """
                admin:
                  bind: 127.0.0.1:0
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    tls: { certFile: shop.pem, keyFile: shop.key }
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    backends:
                      - address: %s
                """.formatted(backend.address()));
        server = MaitreServer.start(YamlConfigLoader.load(file), file);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop("test over");
        }
        backend.close();
    }

    @Test
    void showsHandshakesByProtocolAndCipherAndFailuresByReason() throws Exception {
        String cipher;
        try (SSLSocket socket = tlsClient()) {
            socket.startHandshake();
            cipher = socket.getSession().getCipherSuite();
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.example.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("ok");
        }
        try (Socket socket = new Socket()) {
            socket.connect(server.address("web"), 2000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            drain(socket.getInputStream());
        }

        String completed = "maitre_tls_handshakes_total{cipher=\"" + cipher + "\",listener=\"web\",protocol=\"TLSv1.3\"}";
        await().atMost(WAIT).until(() -> value(metrics(), completed) == 1
                && value(metrics(), failures("not_tls")) == 1);
        String text = metrics();
        assertThat(value(text, failures("protocol_version"))).isZero();
        assertThat(value(text, failures("closed"))).isZero();
    }

    @Test
    void showsTheDaysTheCertificateHasLeftAndTheRenewedDateAfterAReload() throws Exception {
        String expiry = "maitre_tls_certificate_expiry_days{certificate=\"" + dir.resolve("shop.pem")
                + "\",listener=\"web\",subject=\"CN=shop.example.test\"}";
        assertThat(value(metrics(), expiry)).isCloseTo(10, within(0.01));

        authority.issue(KeyKind.ECDSA, Instant.now().plus(Duration.ofDays(90)), "shop.example.test").write(dir, "shop");
        ReloadResult reload = server.reload("test");

        assertThat(reload.outcome()).as(reload.details().toString()).isEqualTo(ReloadResult.Outcome.RELOADED);
        String text = metrics();
        assertThat(value(text, expiry)).isCloseTo(90, within(0.01));
        assertThat(text.lines().filter(line -> line.startsWith("maitre_tls_certificate_expiry_days{"))).hasSize(1);
    }

    private SSLSocket tlsClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        InetSocketAddress address = server.address("web");
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        return socket;
    }

    private static String failures(String reason) {
        return "maitre_tls_handshake_failures_total{listener=\"web\",reason=\"" + reason + "\"}";
    }

    private String metrics() throws Exception {
        InetSocketAddress address = server.adminAddress();
        HttpResponse<String> answer = admin.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    /** The value of the series {@code series} (name and labels, as written) in {@code text}; NaN when absent. */
    private static double value(String text, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }

    private static void drain(InputStream in) {
        try {
            in.readAllBytes();
        } catch (java.io.IOException reset) {
            // The listener may reset a connection that spoke no TLS; either way it is over.
        }
    }
}
