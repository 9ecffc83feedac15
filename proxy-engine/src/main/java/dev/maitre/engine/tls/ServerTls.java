package dev.maitre.engine.tls;

import dev.maitre.api.Causes;
import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's TLS, built whole from its configuration and the files it names, and replaced whole by
 * a reload whose files or settings changed: the certificates it serves, a context for each, and how a
 * connection's certificate is chosen.
 *
 * <p>Each name a certificate has (exact or wildcard, one label) selects, among the certificates that
 * have it, the first ECDSA and the first RSA one in the order configured; a client that can verify
 * ECDSA gets the ECDSA certificate, any other client the RSA one (see {@link ClientHello}). A client
 * that names no host, or one no certificate has, gets the first certificate, or its other-key-type
 * twin with exactly its names. The choice is made before the handshake starts, by reading the
 * ClientHello, so it works the same on BoringSSL and the JDK's provider (whose key managers would pick
 * by the server's cipher order, not the client's support). With one certificate there is no choice to
 * make and no step before the handshake.
 */
public final class ServerTls {

    static {
        TlsPolicy.refuseRenegotiation();
    }

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    /** Sessions kept for resumption by session id, and for how long, as nginx and HAProxy default. */
    static final int SESSION_CACHE_SIZE = 20_480;
    static final int SESSION_TIMEOUT_SECONDS = 300;

    /**
     * The certificates a name selects: the first of each key type; either may be {@code null}, not
     * both. {@code ecdsaCurve} is the ECDSA certificate's curve ({@link ServedCertificate#ecdsaCurve}).
     */
    record Choice(SslContext ecdsa, int ecdsaCurve, SslContext rsa) {

        SslContext pick(ClientHello hello, boolean serverAcceptsTls13) {
            return ecdsa != null && (rsa == null || hello.verifiesEcdsa(serverAcceptsTls13, ecdsaCurve)) ? ecdsa : rsa;
        }
    }

    private final TlsConfig config;
    private final SslProvider provider;
    private final List<ServedCertificate> certificates;
    private final FileDigest digest;
    private final Choice defaultChoice;
    private final Mapping<String, Choice> byName;
    private final List<SslContext> contexts;
    private final boolean acceptsTls13;
    private final ListenerHttp2 http2;

    private ServerTls(TlsConfig config, ListenerHttp2 http2, SslProvider provider, List<ServedCertificate> certificates,
                      FileDigest digest,
                      Choice defaultChoice, Mapping<String, Choice> byName, List<SslContext> contexts) {
        this.config = config;
        this.http2 = http2;
        this.provider = provider;
        this.certificates = certificates;
        this.digest = digest;
        this.defaultChoice = defaultChoice;
        this.byName = byName;
        this.contexts = contexts;
        this.acceptsTls13 = config.protocols().isEmpty() || config.protocols().contains("TLSv1.3");
    }

    /**
     * Reads {@code config}'s files and builds the contexts for a listener speaking {@code protocol}
     * ({@code http2}: an http listener that offers {@code h2} by ALPN).
     *
     * @throws IllegalArgumentException naming the file or setting at fault
     */
    public static ServerTls build(TlsConfig config, Protocol protocol, ListenerHttp2 http2, TicketKeys tickets) {
        SslProvider provider = TlsPolicy.provider(config.provider());
        FileDigest digest = FileDigest.of(files(config));
        List<X509Certificate> clientCa = clientCa(config);
        List<ServedCertificate> certificates = new ArrayList<>();
        List<SslContext> contexts = new ArrayList<>();
        for (CertificateFiles files : config.certificates()) {
            ServedCertificate certificate = ServedCertificate.load(files);
            certificates.add(certificate);
            contexts.add(context(certificate, clientCa, config, protocol, http2, provider, tickets));
        }
        ServedCertificate first = certificates.get(0);
        Set<String> firstNames = Set.copyOf(first.names());
        Choice defaultChoice = choice(certificates, contexts,
                c -> c == first || Set.copyOf(c.names()).equals(firstNames));
        Mapping<String, Choice> byName = null;
        if (certificates.size() > 1) {
            DomainWildcardMappingBuilder<Choice> mapping = new DomainWildcardMappingBuilder<>(defaultChoice);
            Set<String> names = new LinkedHashSet<>();
            certificates.forEach(c -> names.addAll(c.names()));
            for (String name : names) {
                Choice exact = choice(certificates, contexts, c -> c.names().contains(name));
                // A key type no certificate has under the exact name comes from the wildcard that covers it.
                int dot = name.indexOf('.');
                String wildcard = name.startsWith("*.") || dot <= 0 ? null : "*" + name.substring(dot);
                Choice wild = wildcard == null ? exact : choice(certificates, contexts, c -> c.names().contains(wildcard));
                try {
                    Choice ecdsaFrom = exact.ecdsa() != null ? exact : wild;
                    mapping.add(name, new Choice(ecdsaFrom.ecdsa(), ecdsaFrom.ecdsaCurve(),
                            exact.rsa() != null ? exact.rsa() : wild.rsa()));
                } catch (IllegalArgumentException e) {
                    // Such as "*" or "*x": no client can ask for it by SNI; the certificate serves its other names.
                    LOG.warn("tls: {} names {}, which is no host name a client can ask for; not served by that name",
                            certificates.stream().filter(c -> c.names().contains(name)).findFirst()
                                    .map(c -> c.files().certFile().toString()).orElse("a certificate"), name);
                }
            }
            byName = mapping.build();
        }
        return new ServerTls(config, http2, provider, List.copyOf(certificates), digest, defaultChoice, byName,
                List.copyOf(contexts));
    }

    /** The first ECDSA and the first RSA certificate that is {@code eligible}. */
    private static Choice choice(List<ServedCertificate> certificates, List<SslContext> contexts,
                                 Predicate<ServedCertificate> eligible) {
        SslContext ecdsa = null;
        int ecdsaCurve = 0;
        SslContext rsa = null;
        for (int i = 0; i < certificates.size(); i++) {
            ServedCertificate certificate = certificates.get(i);
            if (!eligible.test(certificate)) {
                continue;
            }
            if (certificate.keyType().equals("EC")) {
                if (ecdsa == null) {
                    ecdsa = contexts.get(i);
                    ecdsaCurve = certificate.ecdsaCurve();
                }
            } else {
                rsa = rsa == null ? contexts.get(i) : rsa;
            }
        }
        return new Choice(ecdsa, ecdsaCurve, rsa);
    }

    /**
     * This listener's TLS for {@code next}: this one when neither the settings nor a file's contents
     * changed, a new one otherwise.
     */
    public ServerTls reloaded(TlsConfig next, Protocol protocol, ListenerHttp2 nextHttp2, TicketKeys tickets) {
        if (next.equals(config) && alpn(protocol, nextHttp2).equals(alpn(protocol, http2)) && FileDigest.of(files(next)).equals(digest)) {
            return this;
        }
        return build(next, protocol, nextHttp2, tickets);
    }

    /** What an http listener offers by ALPN: HTTP/2 first where it speaks it, alone where it speaks nothing else. */
    private static List<String> alpn(Protocol protocol, ListenerHttp2 http2) {
        if (protocol != Protocol.HTTP || !http2.enabled()) {
            return TlsPolicy.HTTP_ALPN;
        }
        return http2.only() ? TlsPolicy.HTTP2_ONLY_ALPN : TlsPolicy.HTTP2_ALPN;
    }

    /** The handler that runs a new connection's handshake, after choosing its certificate when there is a choice. */
    public ChannelHandler newHandler(ByteBufAllocator alloc) {
        if (byName == null) {
            SslContext only = defaultChoice.ecdsa() != null ? defaultChoice.ecdsa() : defaultChoice.rsa();
            return only.newHandler(alloc);
        }
        return new CertificateChooser(this);
    }

    /** The certificate served to a client that sent {@code hello}. */
    ServedCertificate chosen(ClientHello hello) {
        return certificates.get(contexts.indexOf(choose(hello)));
    }

    /** The context for a client that sent {@code hello}. */
    SslContext choose(ClientHello hello) {
        Choice choice = hello.hostName() == null ? defaultChoice : byName.map(hello.hostName());
        return choice.pick(hello, acceptsTls13);
    }

    public TlsConfig config() {
        return config;
    }

    public List<ServedCertificate> certificates() {
        return certificates;
    }

    /** The implementation the handshakes run on, for the log: {@code BoringSSL} or {@code JDK}. */
    public String providerName() {
        return provider == SslProvider.JDK ? "the JDK's provider" : OpenSsl.versionString() + " (netty-tcnative)";
    }


    /** The authorities client certificates must chain to; none when clients are not asked for one. */
    private static List<X509Certificate> clientCa(TlsConfig config) {
        if (config.clientAuth() == ClientAuth.NONE) {
            return List.of();
        }
        try {
            return PemFiles.certificates(config.clientCa());
        } catch (Exception e) {
            throw new IllegalArgumentException("clientCa " + config.clientCa() + ": " + Causes.rootMessage(e), e);
        }
    }

    private static SslContext context(ServedCertificate certificate, List<X509Certificate> clientCa, TlsConfig config,
                                      Protocol protocol, ListenerHttp2 http2, SslProvider provider, TicketKeys tickets) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate.key(),
                    certificate.chain().toArray(X509Certificate[]::new));
            builder.sslProvider(provider)
                    .protocols(config.protocols().isEmpty() ? TlsPolicy.PROTOCOLS : config.protocols())
                    .ciphers(config.ciphers().isEmpty() ? TlsPolicy.CIPHERS : config.ciphers(),
                            SupportedCipherSuiteFilter.INSTANCE)
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS);
            List<String> alpn = protocol != Protocol.HTTP ? config.alpn() : alpn(protocol, http2);
            if (!alpn.isEmpty()) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            if (config.clientAuth() != ClientAuth.NONE) {
                builder.trustManager(clientCa.toArray(X509Certificate[]::new))
                        .clientAuth(config.clientAuth() == ClientAuth.REQUIRED
                                ? io.netty.handler.ssl.ClientAuth.REQUIRE : io.netty.handler.ssl.ClientAuth.OPTIONAL);
            }
            SslContext context = builder.build();
            if (context.sessionContext() instanceof OpenSslServerSessionContext sessions) {
                // BoringSSL resumes any session whose ticket it can open and whose context id matches, and
                // asks no client certificate then; every context has the same ticket keys and Netty gives
                // every one the same id. The id says what a session was verified for, as nginx's does.
                sessions.setSessionIdContext(sessionIdContext(certificate, clientCa, config, protocol));
            }
            tickets.install(context);
            return context;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("certFile " + certificate.files().certFile() + ": cannot be served: "
                    + Causes.rootMessage(e), e);
        }
    }


    /**
     * The SSL session id context of {@code certificate}'s context: a session resumes only where it was
     * made for the same certificate, the same client certificate requirement and authorities, and the
     * same kind of listener. At most 32 bytes (SSL_MAX_SID_CTX_LENGTH).
     */
    static byte[] sessionIdContext(ServedCertificate certificate, List<X509Certificate> clientCa, TlsConfig config,
                                   Protocol protocol) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((protocol + "|" + config.clientAuth() + "|").getBytes(StandardCharsets.US_ASCII));
            digest.update(certificate.leaf().getEncoded());
            for (X509Certificate authority : clientCa) {
                digest.update(authority.getEncoded());
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot digest a certificate already read", e);
        }
    }

    private static List<java.nio.file.Path> files(TlsConfig config) {
        List<java.nio.file.Path> files = new ArrayList<>();
        for (CertificateFiles certificate : config.certificates()) {
            files.add(certificate.certFile());
            files.add(certificate.keyFile());
        }
        if (config.clientCa() != null) {
            files.add(config.clientCa());
        }
        return files;
    }
}
