package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRulesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        for (String name : List.of("a.pem", "a.key", "b.pem", "b.key", "ca.pem")) {
            Files.writeString(dir.resolve(name), "pem");
        }
    }

    private static ConfigTree tls(Object... keysAndValues) {
        return ConfigTree.minimal().set("listeners[0].tls", map(keysAndValues));
    }

    private static ConfigTree tcpTls(Object... keysAndValues) {
        return ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web",
                        "tls", map(keysAndValues)));
    }

    private TlsConfig bound(ConfigTree tree) {
        try {
            return ConfigBinder.bind(tree.root(), path -> 0, dir).listeners().get(0).tls();
        } catch (ConfigException e) {
            throw new AssertionError(e.errors().toString(), e);
        }
    }

    private ListAssert<String> assertThatErrors(ConfigTree tree) {
        try {
            ConfigBinder.bind(tree.root(), path -> 0, dir);
        } catch (ConfigException e) {
            return assertThat(e.errors().stream().map(ConfigError::toString).toList());
        }
        throw new AssertionError("expected errors");
    }

    @Test
    void bindsSeveralCertificatesInOrderWithTheDefaults() {
        TlsConfig tls = bound(tls("certificates", list(map("certFile", "a.pem", "keyFile", "a.key"),
                map("certFile", "b.pem", "keyFile", "b.key"))));

        assertThat(tls.certificates()).containsExactly(
                new CertificateFiles(dir.resolve("a.pem"), dir.resolve("a.key")),
                new CertificateFiles(dir.resolve("b.pem"), dir.resolve("b.key")));
        assertThat(tls.certFile()).isEqualTo(dir.resolve("a.pem"));
        assertThat(tls.provider()).isEqualTo(TlsProvider.AUTO);
        assertThat(tls.protocols()).isEmpty();
        assertThat(tls.ciphers()).isEmpty();
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(tls.clientCertHeaders().any()).isFalse();
    }

    @Test
    void bindsEveryOverride() {
        TlsConfig tls = bound(tls("certFile", "a.pem", "keyFile", "a.key", "provider", "jdk",
                "protocols", list("TLSv1.3"), "ciphers", list("TLS_AES_256_GCM_SHA384"),
                "clientCa", "ca.pem", "clientAuth", "optional",
                "clientCertHeaders", map("subject", "X-Client-Subject", "fingerprint", "X-Client-Sha256")));

        assertThat(tls.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.ciphers()).containsExactly("TLS_AES_256_GCM_SHA384");
        assertThat(tls.clientCa()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.OPTIONAL);
        assertThat(tls.clientCertHeaders()).isEqualTo(new ClientCertHeaders("X-Client-Subject", "X-Client-Sha256"));
    }

    @Test
    void refusesBothFormsOfCertificatesAndIncompleteOnes() {
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key",
                "certificates", list(map("certFile", "b.pem", "keyFile", "b.key"))))
                .containsExactly("listeners[0].tls.certificates: given with certFile/keyFile (expected: either "
                        + "certFile and keyFile for one certificate, or certificates for several)");
        assertThatErrors(tls("certificates", list(map("certFile", "a.pem"), map("certFile", "b.pem", "keyFile",
                "missing.key", "chain", "x"))))
                .containsExactly(
                        "listeners[0].tls.certificates[0].keyFile: missing (expected: a readable PEM private key file)",
                        "listeners[0].tls.certificates[1].chain: unknown key (expected one of: certFile, keyFile)",
                        "listeners[0].tls.certificates[1].keyFile: missing.key (expected: a readable PEM private key "
                                + "file; " + dir.resolve("missing.key") + " does not exist)");
        assertThatErrors(tls("certificates", list()))
                .containsExactly("listeners[0].tls.certificates: empty (expected: at least one certificate: "
                        + "{ certFile, keyFile })");
    }

    @Test
    void refusesAnUnknownProviderAndOldProtocols() {
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "provider", "gnutls",
                "protocols", list("TLSv1.1", "TLSv1.3", "TLSv1.3")))
                .containsExactly(
                        "listeners[0].tls.provider: gnutls (expected: auto, openssl or jdk)",
                        "listeners[0].tls.protocols[0]: TLSv1.1 (expected: TLSv1.2 or TLSv1.3; older versions have "
                                + "known attacks and are not offered)",
                        "listeners[0].tls.protocols[2]: TLSv1.3 (expected: each protocol once)");
    }

    @Test
    void refusesUnknownCiphersAndAProtocolLeftWithoutOne() {
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key",
                "ciphers", list("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")))
                .containsExactly(
                        "listeners[0].tls.ciphers[0]: ECDHE-RSA-AES128-GCM-SHA256 (expected: an IANA cipher suite "
                                + "name such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, one this JDK knows)",
                        "listeners[0].tls.ciphers: no TLS 1.3 suite (expected: one of TLS_AES_128_GCM_SHA256, "
                                + "TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 while protocols has TLSv1.3)");
        assertThat(bound(tls("certFile", "a.pem", "keyFile", "a.key", "protocols", list("TLSv1.2"),
                "ciphers", list("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))).ciphers())
                .containsExactly("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void alpnIsForTcpListeners() {
        assertThat(bound(tcpTls("certFile", "a.pem", "keyFile", "a.key", "alpn", list("postgresql", "h2"))).alpn())
                .containsExactly("postgresql", "h2");
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "alpn", list("h2")))
                .containsExactly("listeners[0].tls.alpn: a list (expected: no alpn on an http listener; it "
                        + "advertises the HTTP versions it speaks itself)");
    }

    @Test
    void clientCertificatesNeedAnAuthorityAndAMode() {
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "clientAuth", "required"))
                .containsExactly("listeners[0].tls.clientAuth: required (expected: none, or clientCa naming the "
                        + "authorities client certificates must chain to)");
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "clientCa", "ca.pem"))
                .containsExactly("listeners[0].tls.clientCa: given, but clientAuth is none (expected: clientAuth "
                        + "optional or required with it)");
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "clientAuth", "sometimes", "clientCa", "ca.pem"))
                .containsExactly("listeners[0].tls.clientAuth: sometimes (expected: none, optional or required)",
                        "listeners[0].tls.clientCa: given, but clientAuth is none (expected: clientAuth optional or "
                                + "required with it)");
    }

    @Test
    void clientCertHeadersAreHeaderNamesOfTheirOwn() {
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key", "clientCa", "ca.pem", "clientAuth", "required",
                "clientCertHeaders", map("subject", "X Subject", "fingerprint", "X-Forwarded-Cert")))
                .containsExactly(
                        "listeners[0].tls.clientCertHeaders.subject: X Subject (expected: a header name such as "
                                + "X-Client-Cert-Subject)",
                        "listeners[0].tls.clientCertHeaders.fingerprint: X-Forwarded-Cert (expected: a header name "
                                + "such as X-Client-Cert-Subject, not one the proxy sets or frames messages with)");
        assertThatErrors(tls("certFile", "a.pem", "keyFile", "a.key",
                "clientCertHeaders", map("subject", "X-Client-Subject")))
                .containsExactly("listeners[0].tls.clientCertHeaders: given, but clientAuth is none (expected: "
                        + "clientAuth optional or required with it)");
        assertThatErrors(tcpTls("certFile", "a.pem", "keyFile", "a.key", "clientCa", "ca.pem", "clientAuth", "required",
                "clientCertHeaders", map("subject", "X-Client-Subject")))
                .containsExactly("listeners[0].tls.clientCertHeaders: a mapping (expected: no clientCertHeaders on a "
                        + "tcp listener; it relays bytes and writes no headers)");
    }
}
