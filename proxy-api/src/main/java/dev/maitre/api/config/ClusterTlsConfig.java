package dev.maitre.api.config;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS from maitre to a cluster's backends ({@code clusters[].tls}).
 *
 * @param enabled whether the backends are spoken to over TLS; true unless the section says otherwise
 * @param caFile a PEM bundle of the certificate authorities trusted for the backends' certificates, or
 *     {@code null} for the JDK's default trust store
 * @param serverName the name sent as SNI and verified in the backend's certificate, or {@code null} for
 *     each backend address's host (an IP literal is sent no SNI, and its IP is what is verified)
 * @param verify whether the backend's certificate chain and name are checked; false is for testing only
 * @param certFile the client certificate chain (PEM) for backends that require one, or {@code null}
 * @param keyFile the PEM private key of {@code certFile} (PKCS#8, PKCS#1 or SEC 1), or {@code null}
 * @param alpn the application protocols offered by ALPN, in order of preference; none by default
 */
public record ClusterTlsConfig(boolean enabled, Path caFile, String serverName, boolean verify, Path certFile,
                               Path keyFile, List<String> alpn) {

    public ClusterTlsConfig {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("certFile and keyFile: " + certFile + ", " + keyFile
                    + " (expected: both or neither)");
        }
        alpn = List.copyOf(alpn);
    }

    /** TLS with the JDK's trust store, each backend's host as the name, verified, no client certificate. */
    public static ClusterTlsConfig defaults() {
        return new ClusterTlsConfig(true, null, null, true, null, null, List.of());
    }

    /** This configuration trusting the authorities of {@code caFile}. */
    public ClusterTlsConfig withCaFile(Path caFile) {
        return new ClusterTlsConfig(enabled, caFile, serverName, verify, certFile, keyFile, alpn);
    }

    /** This configuration sending and verifying {@code serverName}. */
    public ClusterTlsConfig withServerName(String serverName) {
        return new ClusterTlsConfig(enabled, caFile, serverName, verify, certFile, keyFile, alpn);
    }

    /** This configuration, verifying the backends' certificates or not. */
    public ClusterTlsConfig withVerify(boolean verify) {
        return new ClusterTlsConfig(enabled, caFile, serverName, verify, certFile, keyFile, alpn);
    }

    /** This configuration presenting a client certificate. */
    public ClusterTlsConfig withClientCertificate(Path certFile, Path keyFile) {
        return new ClusterTlsConfig(enabled, caFile, serverName, verify, certFile, keyFile, alpn);
    }
}
