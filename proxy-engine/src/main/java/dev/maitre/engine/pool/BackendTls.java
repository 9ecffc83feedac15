package dev.maitre.engine.pool;

import dev.maitre.api.Causes;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.api.tls.TlsFailures;
import dev.maitre.engine.tls.FileDigest;
import dev.maitre.engine.tls.PemFiles;
import dev.maitre.engine.tls.ServedCertificate;
import dev.maitre.engine.tls.TlsPolicy;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of TLS to one cluster's backends: its {@link SslContext} (BoringSSL where available,
 * the JDK's provider otherwise; TLS 1.3 and 1.2 only; the backend's certificate chain and name checked
 * unless {@code verify: false}) and the name each backend is spoken to as. One per cluster, shared by
 * the data plane and the health checks; its session cache lets pooled connections resume sessions.
 *
 * <p>A reload keeps the context of a cluster whose TLS settings and files are unchanged, byte for byte,
 * and builds a new one when a CA bundle or client certificate was renewed under the same name.
 */
public final class BackendTls {

    private static final Logger LOG = LoggerFactory.getLogger(BackendTls.class);
    /** BoringSSL where it loads, as for listeners with {@code tls.provider: auto}. */
    private static final SslProvider PROVIDER = TlsPolicy.provider(TlsProvider.AUTO);

    private final ClusterTlsConfig config;
    private final SslContext context;
    private final FileDigest fileDigest;
    private final List<String> alpn;

    private BackendTls(ClusterTlsConfig config, List<String> alpn, SslContext context, FileDigest fileDigest) {
        this.config = config;
        this.alpn = alpn;
        this.context = context;
        this.fileDigest = fileDigest;
    }

    /**
     * The client TLS of every cluster of {@code config} that speaks TLS, by cluster name, reusing those of
     * {@code current} whose settings and files did not change.
     *
     * @throws IllegalArgumentException when a CA bundle, certificate or key cannot be loaded; the message
     *     names the key, such as {@code clusters[1].tls.caFile}
     */
    public static Map<String, BackendTls> forClusters(ProxyConfig config, Map<String, BackendTls> current) {
        Map<String, BackendTls> all = new HashMap<>();
        List<ClusterConfig> clusters = config.clusters();
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig cluster = clusters.get(i);
            if (cluster.tlsEnabled()) {
                all.put(cluster.name(), of("clusters[" + i + "].tls", cluster, current.get(cluster.name())));
            }
        }
        return all;
    }

    /**
     * What keeps the TLS files of {@code config}'s clusters from being loaded (not PEM, no certificate in
     * a CA bundle, a key that does not fit its certificate), by key path such as
     * {@code clusters[1].tls.caFile}; empty when every one loads. For validating a configuration.
     */
    public static Map<String, String> problems(ProxyConfig config) {
        Map<String, String> problems = new LinkedHashMap<>();
        List<ClusterConfig> clusters = config.clusters();
        for (int i = 0; i < clusters.size(); i++) {
            ClusterConfig cluster = clusters.get(i);
            if (cluster.tlsEnabled()) {
                try {
                    context("clusters[" + i + "].tls", cluster.tls(), alpn(cluster));
                } catch (InvalidTlsFile e) {
                    problems.put(e.key(), e.problem());
                }
            }
        }
        return problems;
    }

    /** {@code before} when it was made of the same settings and file contents, a new one otherwise. */
    static BackendTls of(String keyPath, ClusterConfig cluster, BackendTls before) {
        ClusterTlsConfig tls = cluster.tls();
        FileDigest digest = digest(keyPath, tls);
        List<String> alpn = alpn(cluster);
        if (before != null && before.config.equals(tls) && before.alpn.equals(alpn) && before.fileDigest.equals(digest)) {
            return before;
        }
        LOG.info("cluster {}: TLS to its backends on {}", cluster.name(),
                PROVIDER == SslProvider.OPENSSL ? "BoringSSL" : "the JDK's provider");
        if (!tls.verify()) {
            LOG.warn("cluster {}: tls.verify is false: the backends' certificates are not checked, anyone on the "
                    + "way can read and change the traffic (for testing only)", cluster.name());
        }
        return new BackendTls(tls, alpn, context(keyPath, tls, alpn), digest);
    }

    /** What the handshake offers by ALPN: HTTP/2 alone to a cluster spoken to in HTTP/2, the cluster's {@code tls.alpn} otherwise. */
    private static List<String> alpn(ClusterConfig cluster) {
        return cluster.protocol() == BackendProtocol.H2 ? List.of(ApplicationProtocolNames.HTTP_2) : cluster.tls().alpn();
    }

    private static SslContext context(String keyPath, ClusterTlsConfig tls, List<String> alpn) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(PROVIDER)
                .protocols(TlsPolicy.PROTOCOLS);
        if (!tls.verify()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            builder.endpointIdentificationAlgorithm("HTTPS");
            if (tls.caFile() != null) {
                try {
                    builder.trustManager(PemFiles.certificates(tls.caFile()).toArray(X509Certificate[]::new));
                } catch (Exception e) {
                    throw invalid(keyPath + ".caFile", tls.caFile(), "a PEM file of CA certificates", e);
                }
            }
        }
        if (tls.certFile() != null) {
            ServedCertificate client;
            try {
                // Read and checked as a listener's certificate is: any PEM key form, and a key that matches.
                client = ServedCertificate.load(new CertificateFiles(tls.certFile(), tls.keyFile()));
            } catch (IllegalArgumentException e) {
                boolean key = String.valueOf(e.getMessage()).startsWith("keyFile");
                throw key ? invalid(keyPath + ".keyFile", tls.keyFile(), "the PEM private key of certFile", e)
                        : invalid(keyPath + ".certFile", tls.certFile(), "a PEM certificate chain", e);
            }
            builder.keyManager(client.key(), client.chain().toArray(X509Certificate[]::new));
        }
        if (!alpn.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        try {
            return builder.build();
        } catch (Exception e) {
            String key = tls.certFile() != null ? keyPath + ".certFile" : keyPath;
            throw new InvalidTlsFile(key, "cannot make a TLS client context (" + Causes.rootMessage(e) + ")", e);
        }
    }

    private static InvalidTlsFile invalid(String key, Path file, String expected, Exception e) {
        return new InvalidTlsFile(key, file + " (expected: " + expected + "; " + Causes.rootMessage(e) + ")", e);
    }

    /** A TLS file that cannot be loaded; the message names its key: {@code clusters[1].tls.caFile: ...}. */
    static final class InvalidTlsFile extends IllegalArgumentException {

        private final String key;
        private final String problem;

        InvalidTlsFile(String key, String problem, Throwable cause) {
            super(key + ": " + problem, cause);
            this.key = key;
            this.problem = problem;
        }

        String key() {
            return key;
        }

        String problem() {
            return problem;
        }
    }

    /** What the files hold: a reload that finds other bytes under the same names builds a new context. */
    private static FileDigest digest(String keyPath, ClusterTlsConfig tls) {
        List<Path> files = new ArrayList<>();
        for (Path file : new Path[] {tls.caFile(), tls.certFile(), tls.keyFile()}) {
            if (file != null) {
                files.add(file);
            }
        }
        try {
            return FileDigest.of(files);
        } catch (IllegalArgumentException e) {
            throw new InvalidTlsFile(keyPath, e.getMessage(), e);
        }
    }

    public ClusterTlsConfig config() {
        return config;
    }

    /** The client context, for connections to the cluster's backends. */
    public SslContext context() {
        return context;
    }

    /**
     * The name {@code backend} is spoken to as: {@code serverName}, or else the backend's host. It is
     * sent as SNI unless it is an IP literal, and the backend's certificate must match it.
     */
    public String peerHost(HostPort backend) {
        return config.serverName() != null ? config.serverName() : backend.host();
    }

    /**
     * The TLS handler of a connection to {@code backend}: made for its name and port, so that the
     * context's session cache offers a session this backend gave before. The handshake must end within
     * {@code timeoutMillis}.
     */
    SslHandler newHandler(ByteBufAllocator alloc, HostPort backend, long timeoutMillis) {
        SslHandler handler = context.newHandler(alloc, peerHost(backend), backend.port());
        handler.setHandshakeTimeoutMillis(timeoutMillis);
        return handler;
    }

    /** A failed handshake as a failed connect, with a reason an operator can act on. */
    static SSLHandshakeException handshakeFailed(HostPort backend, String peerHost, Throwable cause) {
        String name = peerHost.equals(backend.host()) ? "" : " as " + peerHost;
        SSLHandshakeException failure = new SSLHandshakeException(
                "TLS handshake with " + backend + name + " failed: " + TlsFailures.describe(cause));
        failure.initCause(cause);
        return failure;
    }
}
