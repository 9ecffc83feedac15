package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.HttpMessage;
import dev.maitre.testing.NoLeaksExtension;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.Authority;
import dev.maitre.testing.TestCertificates.KeyKind;
import dev.maitre.testing.TestCertificates.PemFiles;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate renewed on disk, as an ACME client does it, and the configuration reloaded: new
 * handshakes get the new certificate, connections already open keep serving, a steady stream of new
 * connections meets no failed handshake, and files that cannot be served refuse the reload and leave
 * the old certificate in place.
 */
@ExtendWith(NoLeaksExtension.class)
class CertificateReloadIT {

    @TempDir
    Path dir;

    private final Authority authority = TestCertificates.authority("maitre test CA");

    @Test
    void aRenewedCertificateServesNewHandshakesAndOpenConnectionsStay() throws Exception {
        PemFiles live = authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "live");
        BigInteger first = serial(live);
        try (RawBackend backend = RawBackend.answering("ok")) {
            ProxyFixture.Builder builder = ProxyFixture.builder(backend.address()).tls(new TlsConfig(live.certFile(), live.keyFile()));
            try (ProxyFixture proxy = builder.start();
                 SSLSocket open = connect(proxy)) {
                assertThat(get(open)).isEqualTo("ok");
                assertThat(served(open)).isEqualTo(first);

                PemFiles renewed = authority.issue(KeyKind.RSA, "shop.example.test").write(dir, "renewed");
                BigInteger second = serial(renewed);
                replace(renewed, live);
                List<String> changes = proxy.engine().reload(builder.config());

                assertThat(changes).containsExactly("listener web: TLS files re-read (new contents; for new connections)");
                try (SSLSocket fresh = connect(proxy)) {
                    assertThat(get(fresh)).isEqualTo("ok");
                    assertThat(served(fresh)).isEqualTo(second).isNotEqualTo(first);
                }
                assertThat(get(open)).isEqualTo("ok");
                assertThat(served(open)).isEqualTo(first);
                // Nothing changed since: a reload keeps what it has.
                assertThat(proxy.engine().reload(builder.config())).isEmpty();
            }
        }
    }

    @Test
    void filesThatCannotBeServedRefuseTheReloadAndChangeNothing() throws Exception {
        PemFiles live = authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "live");
        BigInteger first = serial(live);
        try (RawBackend backend = RawBackend.answering("ok")) {
            ProxyFixture.Builder builder = ProxyFixture.builder(backend.address())
                    .tls(new TlsConfig(live.certFile(), live.keyFile()));
            ProxyConfig config = builder.config();
            try (ProxyFixture proxy = builder.start()) {
                // A renewal that wrote the certificate but not yet its key.
                PemFiles renewed = authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "renewed");
                Files.copy(renewed.certFile(), live.certFile(), StandardCopyOption.REPLACE_EXISTING);

                assertThatThrownBy(() -> proxy.engine().reload(config))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("listener web: tls: keyFile " + live.keyFile() + ": the key does not match the "
                                + "certificate in " + live.certFile() + " (CN=shop.example.test)");
                try (SSLSocket fresh = connect(proxy)) {
                    assertThat(get(fresh)).isEqualTo("ok");
                    assertThat(served(fresh)).isEqualTo(first);
                }

                Files.delete(live.keyFile());
                assertThatThrownBy(() -> proxy.engine().reload(config))
                        .hasMessageStartingWith("listener web: tls: ").hasMessageContaining(live.keyFile().toString());
            }
        }
    }

    @Test
    void newConnectionsDuringReloadsAllCompleteTheirHandshake() throws Exception {
        PemFiles live = authority.issue(KeyKind.ECDSA, "shop.example.test").write(dir, "live");
        try (RawBackend backend = RawBackend.answering("ok")) {
            ProxyFixture.Builder builder = ProxyFixture.builder(backend.address())
                    .tls(new TlsConfig(live.certFile(), live.keyFile()));
            try (ProxyFixture proxy = builder.start()) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger served = new AtomicInteger();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread load = new Thread(() -> {
                    while (running.get() && failure.get() == null) {
                        try (SSLSocket socket = connect(proxy)) {
                            assertThat(get(socket)).isEqualTo("ok");
                            served.incrementAndGet();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    }
                }, "tls-load");
                load.start();
                for (int i = 0; i < 10; i++) {
                    int before = served.get();
                    replace(authority.issue(i % 2 == 0 ? KeyKind.RSA : KeyKind.ECDSA, "shop.example.test")
                            .write(dir, "renewed-" + i), live);
                    assertThat(proxy.engine().reload(builder.config())).hasSize(1);
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (served.get() < before + 3 && failure.get() == null && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
                running.set(false);
                load.join(10_000);
                assertThat(failure.get()).isNull();
                assertThat(served.get()).isGreaterThanOrEqualTo(30);
            }
        }
    }

    /** Replaces {@code target}'s files with {@code source}'s, key first, each in one rename. */
    private static void replace(PemFiles source, PemFiles target) throws Exception {
        Files.move(source.keyFile(), target.keyFile(), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.move(source.certFile(), target.certFile(), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private SSLSocket connect(ProxyFixture proxy) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, authority.trustManagerFactory().getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(proxy.address().getAddress(), proxy.address().getPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** One keep-alive GET: the answer's body. */
    private static String get(SSLSocket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: shop.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1);
        return HttpMessage.readResponse(in, false).bodyText();
    }

    private static BigInteger served(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    private static BigInteger serial(PemFiles files) throws Exception {
        return dev.maitre.engine.tls.PemFiles.certificates(files.certFile()).get(0).getSerialNumber();
    }
}
