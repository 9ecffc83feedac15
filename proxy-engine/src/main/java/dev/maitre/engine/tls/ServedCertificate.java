package dev.maitre.engine.tls;

import dev.maitre.api.Causes;
import dev.maitre.api.config.CertificateFiles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A certificate a listener serves, read from its files and checked: the chain parses, the key is the
 * one the certificate is for (a mismatch would fail every handshake, so it fails the configuration
 * instead), and the names it may be served for — its SAN DNS names, or its subject's CN when it has
 * none, lower-cased, wildcards ({@code *.example.com}) kept as such.
 *
 * @param keyType {@code RSA} or {@code EC}, what a client's supported signatures choose between
 */
public record ServedCertificate(CertificateFiles files, List<X509Certificate> chain, PrivateKey key,
                                List<String> names, String keyType) {

    /**
     * Reads and checks {@code files}.
     *
     * @throws IllegalArgumentException naming the file at fault and what is wrong with it
     */
    public static ServedCertificate load(CertificateFiles files) {
        List<X509Certificate> chain;
        try {
            chain = PemFiles.certificates(files.certFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("certFile " + files.certFile() + ": " + Causes.rootMessage(e), e);
        }
        PrivateKey key;
        try {
            key = PemFiles.privateKey(files.keyFile());
        } catch (Exception e) {
            throw new IllegalArgumentException("keyFile " + files.keyFile() + ": " + Causes.rootMessage(e), e);
        }
        X509Certificate leaf = chain.get(0);
        String algorithm = leaf.getPublicKey().getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new IllegalArgumentException("certFile " + files.certFile() + ": a " + algorithm + " certificate "
                    + "(expected: an RSA or ECDSA one, which every TLS client verifies)");
        }
        if (!matches(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("keyFile " + files.keyFile() + ": the key does not match the "
                    + "certificate in " + files.certFile() + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        String keyType = algorithm;
        return new ServedCertificate(files, List.copyOf(chain), key, names(leaf), keyType);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The curve of an ECDSA certificate's key as a {@link ClientHello} curve bit; 0 for RSA. */
    int ecdsaCurve() {
        if (!(leaf().getPublicKey() instanceof java.security.interfaces.ECPublicKey ec)) {
            return 0;
        }
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        return bits <= 256 ? ClientHello.P256 : bits <= 384 ? ClientHello.P384 : ClientHello.P521;
    }

    /** The leaf's subject, RFC 2253. */
    public String subject() {
        return leaf().getSubjectX500Principal().getName();
    }

    /** Whether {@code key} is the private half of {@code publicKey}: a signature one makes, the other verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "maitre key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<String> names(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    if (Integer.valueOf(2).equals(name.get(0)) && name.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose SAN cannot be read is served by its CN, like one without SAN.
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                // No CN either: the certificate is served as the default only.
            }
        }
        return List.copyOf(names);
    }
}
