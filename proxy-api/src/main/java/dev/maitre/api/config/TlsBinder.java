package dev.maitre.api.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;

/**
 * Binds a listener's {@code tls} section: its certificates, provider, protocols and ciphers, ALPN and
 * client certificates. Whether the files hold what they should (a certificate, a key that matches it)
 * is checked where they are loaded, when the listener's TLS is built.
 */
final class TlsBinder {

    private static final List<String> KEYS = List.of("certFile", "keyFile", "certificates", "provider", "protocols",
            "ciphers", "alpn", "clientCa", "clientAuth", "clientCertHeaders");
    private static final List<String> CERTIFICATE_KEYS = List.of("certFile", "keyFile");
    private static final List<String> CLIENT_CERT_HEADER_KEYS = List.of("subject", "fingerprint");
    private static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    private static final String CIPHER = "an IANA cipher suite name such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    private static final String HEADER_NAME = "a header name such as X-Client-Cert-Subject";

    private static final Map<String, TlsProvider> PROVIDERS = new LinkedHashMap<>();

    static {
        PROVIDERS.put("auto", TlsProvider.AUTO);
        PROVIDERS.put("openssl", TlsProvider.OPENSSL);
        PROVIDERS.put("jdk", TlsProvider.JDK);
    }

    private static final Map<String, ClientAuth> CLIENT_AUTH = new LinkedHashMap<>();

    static {
        CLIENT_AUTH.put("none", ClientAuth.NONE);
        CLIENT_AUTH.put("optional", ClientAuth.OPTIONAL);
        CLIENT_AUTH.put("required", ClientAuth.REQUIRED);
    }

    private final Path baseDir;

    TlsBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** The listener's TLS, or {@code null} when absent or in error (the errors are reported). */
    TlsConfig bind(ConfigNode node, Protocol protocol) {
        if (!node.isMapping(KEYS)) {
            return null;
        }
        List<CertificateFiles> certificates = bindCertificates(node);
        TlsProvider provider = node.get("provider").choice(TlsProvider.AUTO, PROVIDERS);
        List<String> protocols = bindProtocols(node.get("protocols"));
        List<String> ciphers = bindCiphers(node.get("ciphers"), protocols);
        List<String> alpn = bindAlpn(node.get("alpn"), protocol);
        ConfigNode caNode = node.get("clientCa");
        Path clientCa = caNode.isPresent() ? readableFile(caNode, "a readable PEM file of certificate authorities")
                : null;
        ClientAuth clientAuth = node.get("clientAuth").choice(ClientAuth.NONE, CLIENT_AUTH);
        if (clientAuth != ClientAuth.NONE && !caNode.isPresent()) {
            node.get("clientAuth").reject("none, or clientCa naming the authorities client certificates must "
                    + "chain to");
        } else if (clientAuth == ClientAuth.NONE && caNode.isPresent()) {
            caNode.error("given, but clientAuth is none (expected: clientAuth optional or required with it)");
        }
        ClientCertHeaders headers = bindClientCertHeaders(node.get("clientCertHeaders"), protocol, clientAuth);
        if (certificates.isEmpty() || (clientAuth != ClientAuth.NONE && clientCa == null)
                || (clientAuth == ClientAuth.NONE && clientCa != null)) {
            return null;
        }
        return new TlsConfig(certificates, provider, protocols, ciphers, alpn, clientCa, clientAuth, headers);
    }

    /** {@code certFile}/{@code keyFile} for one certificate, or {@code certificates} for several. */
    private List<CertificateFiles> bindCertificates(ConfigNode node) {
        ConfigNode list = node.get("certificates");
        boolean single = node.get("certFile").isPresent() || node.get("keyFile").isPresent();
        if (single && list.isPresent()) {
            list.error("given with certFile/keyFile (expected: either certFile and keyFile for one certificate, "
                    + "or certificates for several)");
            return List.of();
        }
        List<CertificateFiles> certificates = new ArrayList<>();
        if (!list.isPresent()) {
            CertificateFiles one = bindCertificate(node);
            if (one != null) {
                certificates.add(one);
            }
            return certificates;
        }
        boolean complete = true;
        for (ConfigNode element : list.nonEmptyElements("at least one certificate: { certFile, keyFile }")) {
            CertificateFiles files = element.isMapping(CERTIFICATE_KEYS) ? bindCertificate(element) : null;
            complete &= files != null;
            if (files != null) {
                certificates.add(files);
            }
        }
        return complete ? certificates : List.of();
    }

    private CertificateFiles bindCertificate(ConfigNode node) {
        Path cert = readableFile(node.get("certFile").required("a readable PEM certificate file"),
                "a readable PEM certificate file");
        Path key = readableFile(node.get("keyFile").required("a readable PEM private key file"),
                "a readable PEM private key file");
        return cert != null && key != null ? new CertificateFiles(cert, key) : null;
    }

    private static List<String> bindProtocols(ConfigNode node) {
        if (!node.isPresent()) {
            return List.of();
        }
        List<String> protocols = new ArrayList<>();
        for (ConfigNode element : node.nonEmptyElements("at least one of TLSv1.2, TLSv1.3")) {
            String name = element.text("TLSv1.2 or TLSv1.3");
            if (name == null) {
                continue;
            }
            if (!PROTOCOLS.contains(name)) {
                element.reject("TLSv1.2 or TLSv1.3; older versions have known attacks and are not offered");
            } else if (protocols.contains(name)) {
                element.reject("each protocol once");
            } else {
                protocols.add(name);
            }
        }
        return protocols;
    }

    /**
     * Cipher suites by their IANA names, as the JDK knows them (Netty maps them for BoringSSL). Each
     * protocol accepted needs a suite of its own: TLS 1.3 suites ({@code TLS_AES_*},
     * {@code TLS_CHACHA20_*}) serve no TLS 1.2 handshake and the others no TLS 1.3 one.
     */
    private static List<String> bindCiphers(ConfigNode node, List<String> protocols) {
        if (!node.isPresent()) {
            return List.of();
        }
        Set<String> known = knownCipherSuites();
        List<String> ciphers = new ArrayList<>();
        for (ConfigNode element : node.nonEmptyElements("at least one " + CIPHER)) {
            String name = element.text(CIPHER);
            if (name == null) {
                continue;
            }
            if (!known.contains(name)) {
                element.reject(CIPHER + ", one this JDK knows");
            } else if (!ciphers.contains(name)) {
                ciphers.add(name);
            }
        }
        if (ciphers.isEmpty()) {
            return ciphers;
        }
        List<String> accepted = protocols.isEmpty() ? PROTOCOLS : protocols;
        boolean has13 = ciphers.stream().anyMatch(TlsBinder::isTls13Suite);
        boolean has12 = ciphers.stream().anyMatch(c -> !isTls13Suite(c));
        if (accepted.contains("TLSv1.3") && !has13) {
            node.error("no TLS 1.3 suite (expected: one of TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                    + "TLS_CHACHA20_POLY1305_SHA256 while protocols has TLSv1.3)");
        }
        if (accepted.contains("TLSv1.2") && !has12) {
            node.error("no TLS 1.2 suite (expected: one such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 while "
                    + "protocols has TLSv1.2)");
        }
        return ciphers;
    }

    static boolean isTls13Suite(String name) {
        return name.startsWith("TLS_AES_") || name.startsWith("TLS_CHACHA20_");
    }

    private static Set<String> knownCipherSuites() {
        try {
            return new TreeSet<>(Arrays.asList(
                    SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no default TLS context", e);
        }
    }

    private static List<String> bindAlpn(ConfigNode node, Protocol protocol) {
        if (!node.isPresent()) {
            return List.of();
        }
        if (protocol == Protocol.HTTP) {
            node.reject("no alpn on an http listener; it advertises the HTTP versions it speaks itself");
            return List.of();
        }
        List<String> alpn = new ArrayList<>();
        String expected = "a protocol id such as h2, http/1.1 or postgresql, 1 to 255 printable ASCII characters";
        for (ConfigNode element : node.nonEmptyElements("at least one protocol id")) {
            String id = element.text(expected);
            if (id == null) {
                continue;
            }
            if (id.isEmpty() || id.length() > 255 || !id.chars().allMatch(c -> c > ' ' && c < 127)) {
                element.reject(expected);
            } else if (alpn.contains(id)) {
                element.reject("each protocol id once");
            } else {
                alpn.add(id);
            }
        }
        return alpn;
    }

    private static ClientCertHeaders bindClientCertHeaders(ConfigNode node, Protocol protocol, ClientAuth auth) {
        if (!node.isPresent()) {
            return ClientCertHeaders.none();
        }
        if (protocol == Protocol.TCP) {
            node.reject("no clientCertHeaders on a tcp listener; it relays bytes and writes no headers");
            return ClientCertHeaders.none();
        }
        if (!node.isMapping(CLIENT_CERT_HEADER_KEYS)) {
            return ClientCertHeaders.none();
        }
        if (auth == ClientAuth.NONE) {
            node.error("given, but clientAuth is none (expected: clientAuth optional or required with it)");
        }
        String subject = headerName(node.get("subject"));
        String fingerprint = headerName(node.get("fingerprint"));
        if (subject != null && subject.equalsIgnoreCase(fingerprint)) {
            node.get("fingerprint").reject("a header name other than subject's");
            fingerprint = null;
        }
        return new ClientCertHeaders(subject, fingerprint);
    }

    private static String headerName(ConfigNode node) {
        String name = node.text(HEADER_NAME);
        if (name == null) {
            return null;
        }
        if (name.isEmpty() || !name.chars().allMatch(TlsBinder::isTokenChar)) {
            node.reject(HEADER_NAME);
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("host") || lower.startsWith("x-forwarded-") || lower.equals("connection")
                || lower.equals("content-length") || lower.equals("transfer-encoding")) {
            node.reject(HEADER_NAME + ", not one the proxy sets or frames messages with");
            return null;
        }
        return name;
    }

    /** RFC 9110 {@code tchar}. */
    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A file under the configuration's directory (unless absolute) that exists and can be read. */
    Path readableFile(ConfigNode node, String expected) {
        String name = node.text(expected);
        if (name == null) {
            return null;
        }
        Path file;
        try {
            file = baseDir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            node.reject(expected);
            return null;
        }
        if (name.isBlank() || !Files.exists(file)) {
            node.reject(expected + "; " + file + " does not exist");
        } else if (!Files.isRegularFile(file)) {
            node.reject(expected + "; " + file + " is not a file");
        } else if (!Files.isReadable(file)) {
            node.reject(expected + "; " + file + " cannot be read");
        } else {
            return file;
        }
        return null;
    }
}
