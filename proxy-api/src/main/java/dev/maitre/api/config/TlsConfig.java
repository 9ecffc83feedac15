package dev.maitre.api.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * TLS on a listener.
 *
 * @param certificates the certificates served, chosen by the name the client asks for (SNI) among
 *     each one's SAN DNS names (wildcards included); no name or no match gets the first. Two
 *     certificates with the same names and different key types (RSA, ECDSA) are both served, each to
 *     the clients that support it.
 * @param provider which TLS implementation runs the handshakes
 * @param protocols the protocol versions accepted; empty for the default (TLS 1.3 and 1.2)
 * @param ciphers the cipher suites accepted, IANA names in order of preference; empty for the default
 *     (forward-secret AEAD suites only)
 * @param alpn the application protocols a tcp listener advertises (http listeners choose their own)
 * @param clientCa the certificate authorities client certificates must chain to; {@code null} when
 *     clients are not asked for one
 * @param clientAuth whether clients are asked for a certificate
 * @param clientCertHeaders which request headers carry a verified client certificate to backends
 */
public record TlsConfig(
        List<CertificateFiles> certificates,
        TlsProvider provider,
        List<String> protocols,
        List<String> ciphers,
        List<String> alpn,
        Path clientCa,
        ClientAuth clientAuth,
        ClientCertHeaders clientCertHeaders) {

    public TlsConfig {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates: none (expected: at least one)");
        }
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        ciphers = List.copyOf(ciphers);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(clientCertHeaders, "clientCertHeaders");
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("clientAuth: " + clientAuth + " (expected: clientCa with it)");
        }
    }

    /** One certificate, with every other setting at its default. */
    public TlsConfig(Path certFile, Path keyFile) {
        this(List.of(new CertificateFiles(certFile, keyFile)), TlsProvider.AUTO, List.of(), List.of(), List.of(),
                null, ClientAuth.NONE, ClientCertHeaders.none());
    }

    /** The certificate served when a client names no host, or one no certificate has. */
    public Path certFile() {
        return certificates.get(0).certFile();
    }

    public Path keyFile() {
        return certificates.get(0).keyFile();
    }

    /** This configuration on {@code provider}. */
    public TlsConfig withProvider(TlsProvider next) {
        return new TlsConfig(certificates, next, protocols, ciphers, alpn, clientCa, clientAuth, clientCertHeaders);
    }
}
