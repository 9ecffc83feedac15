package dev.maitre.api.config;

/**
 * The request headers that tell backends which verified client certificate a request came with. Either
 * name may be {@code null} (not sent). A header of either name that a client sends is always removed,
 * so a backend never reads a value the proxy did not set.
 *
 * @param subject the certificate's subject distinguished name (RFC 2253), e.g. {@code CN=alice,O=Example}
 * @param fingerprint the SHA-256 of the certificate's DER encoding, 64 lower-case hex digits
 */
public record ClientCertHeaders(String subject, String fingerprint) {

    public static ClientCertHeaders none() {
        return new ClientCertHeaders(null, null);
    }

    public boolean any() {
        return subject != null || fingerprint != null;
    }
}
