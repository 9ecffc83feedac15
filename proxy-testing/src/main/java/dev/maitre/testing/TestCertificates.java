package dev.maitre.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.TrustManagerFactory;

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
            for (String name : names) {
                builder.addSanDnsName(name);
            }
            try {
                return new Issued(builder.buildIssuedBy(root));
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue a test certificate", e);
            }
        }

        /** The authority's certificate as a PEM file in {@code dir}. */
        public Path writeCertificate(Path dir, String fileName) {
            return write(dir.resolve(fileName), root.getCertificatePEM());
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
            Path cert = TestCertificates.write(dir.resolve(name + ".pem"), bundle.getCertificatePathPEM());
            Path key = TestCertificates.write(dir.resolve(name + ".key"), bundle.getPrivateKeyPEM());
            return new PemFiles(cert, key);
        }

        public X509Bundle bundle() {
            return bundle;
        }
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
