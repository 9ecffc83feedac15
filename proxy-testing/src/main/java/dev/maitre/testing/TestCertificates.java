package dev.maitre.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Certificates for TLS tests, made with Netty's PKI testing kit: a certificate authority that issues
 * server and client certificates with SAN DNS names (wildcards allowed) on RSA 2048 or ECDSA P-256 keys,
 * written as the PEM files a user would configure.
 */
public final class TestCertificates {

    /** The key a certificate is made for. */
    public enum KeyKind { RSA, ECDSA }

    /** A certificate chain file and its PKCS#8 private key file. */
    public record PemFiles(Path certFile, Path keyFile) {
    }

    private TestCertificates() {
    }

    /** A new self-signed certificate authority named {@code name} (ECDSA P-256). */
    public static Authority authority(String name) {
        try {
            X509Bundle root = new CertificateBuilder()
                    .subject("CN=" + name)
                    .setIsCertificateAuthority(true)
                    .ecp256()
                    .notBefore(Instant.now().minus(Duration.ofDays(1)))
                    .notAfter(Instant.now().plus(Duration.ofDays(365)))
                    .buildSelfSigned();
            return new Authority(root);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate authority", e);
        }
    }

    /** A certificate authority; {@link #issue} makes leaves it signs. */
    public static final class Authority {

        private final X509Bundle root;

        private Authority(X509Bundle root) {
            this.root = root;
        }

        /** A server (and client) certificate for {@code names}, valid for a year from yesterday. */
        public Issued issue(KeyKind kind, String... names) {
            return issue(kind, Instant.now().plus(Duration.ofDays(365)), names);
        }

        /** A certificate for {@code names} that expires at {@code notAfter}; the first name is its CN. */
        public Issued issue(KeyKind kind, Instant notAfter, String... names) {
            CertificateBuilder builder = new CertificateBuilder()
                    .subject("CN=" + (names.length > 0 ? names[0] : "client"))
                    .notBefore(Instant.now().minus(Duration.ofDays(1)))
                    .notAfter(notAfter)
                    .addExtendedKeyUsage(CertificateBuilder.ExtendedKeyUsage.PKIX_KP_SERVER_AUTH)
                    .addExtendedKeyUsage(CertificateBuilder.ExtendedKeyUsage.PKIX_KP_CLIENT_AUTH);
            builder = kind == KeyKind.RSA ? builder.rsa2048() : builder.ecp256();
            try {
                if (names.length > 0) {
                    // Written directly: the kit's own SAN method cannot take a wildcard name.
                    GeneralName[] dns = new GeneralName[names.length];
                    for (int i = 0; i < names.length; i++) {
                        dns[i] = new GeneralName(GeneralName.dNSName, names[i]);
                    }
                    builder.addExtensionOctetString(Extension.subjectAlternativeName.getId(), false,
                            new GeneralNames(dns).getEncoded());
                }
                return new Issued(builder.buildIssuedBy(root));
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue a test certificate", e);
            }
        }

        /** The authority's certificate as a PEM file in {@code dir}. */
        public Path writeCertificate(Path dir, String fileName) {
            return write(dir.resolve(fileName), pem("CERTIFICATE", encoded(root.getCertificate())));
        }

        /** A trust manager factory that trusts this authority alone. */
        public TrustManagerFactory trustManagerFactory() {
            return root.toTrustManagerFactory();
        }

        public X509Bundle bundle() {
            return root;
        }
    }

    /** A certificate an {@link Authority} issued, with its key. */
    public static final class Issued {

        private final X509Bundle bundle;

        private Issued(X509Bundle bundle) {
            this.bundle = bundle;
        }

        /** Writes {@code <name>.pem} (the chain, leaf first, without the root) and {@code <name>.key} to {@code dir}. */
        public PemFiles write(Path dir, String name) {
            StringBuilder chain = new StringBuilder();
            for (X509Certificate certificate : bundle.getCertificatePath()) {
                if (!certificate.equals(bundle.getRootCertificate())) {
                    chain.append(pem("CERTIFICATE", encoded(certificate)));
                }
            }
            Path cert = TestCertificates.write(dir.resolve(name + ".pem"), chain.toString());
            Path key = TestCertificates.write(dir.resolve(name + ".key"),
                    pem("PRIVATE KEY", bundle.getKeyPair().getPrivate().getEncoded()));
            return new PemFiles(cert, key);
        }

        public X509Bundle bundle() {
            return bundle;
        }

        /** Key managers presenting this certificate, for a client (or server) in the test. */
        public KeyManager[] keyManagers() {
            try {
                return bundle.toKeyManagerFactory().getKeyManagers();
            } catch (Exception e) {
                throw new IllegalStateException("cannot make key managers of a test certificate", e);
            }
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM block of {@code der}, 64 base64 characters a line. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String pem) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".cert", ".tmp");
            Files.writeString(temp, pem, StandardCharsets.US_ASCII);
            // Replaced in one step, as a certificate renewal tool does, so a reader never sees half a file.
            return Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
