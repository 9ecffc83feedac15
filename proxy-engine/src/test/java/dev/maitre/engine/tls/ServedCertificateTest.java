package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates and keys as OpenSSL writes them — PKCS#8, and the older PKCS#1 (RSA) and SEC 1 (EC)
 * forms many tools still write — read and checked before any listener uses them.
 */
class ServedCertificateTest {

    @TempDir
    Path dir;

    @Test
    void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
        Path ec = openssl("ec.key", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out");
        assertThat(Files.readString(ec)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(ServedCertificate.load(new CertificateFiles(certificate(ec, "ec.pem", "ec.test"), ec)).keyType())
                .isEqualTo("EC");

        Path rsa = openssl("rsa.key", "genrsa", "-traditional", "-out");
        assertThat(Files.readString(rsa)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        ServedCertificate served = ServedCertificate.load(new CertificateFiles(certificate(rsa, "rsa.pem", "rsa.test"),
                rsa));
        assertThat(served.keyType()).isEqualTo("RSA");
        assertThat(served.names()).containsExactly("rsa.test", "*.rsa.test");

        Path pkcs8 = openssl("pkcs8.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out");
        assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(ServedCertificate.load(new CertificateFiles(certificate(pkcs8, "p8.pem", "p8.test"), pkcs8))
                .subject()).isEqualTo("CN=p8.test");
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() throws Exception {
        Path key = openssl("a.key", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out");
        Path other = openssl("b.key", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out");
        Path cert = certificate(key, "a.pem", "a.test");

        assertThatThrownBy(() -> ServedCertificate.load(new CertificateFiles(cert, other)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyFile " + other + ": the key does not match the certificate in " + cert + " (CN=a.test)");
    }

    @Test
    void refusesEncryptedKeysAndFilesWithoutPem() throws Exception {
        Path key = openssl("plain.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out");
        Path cert = certificate(key, "c.pem", "c.test");
        Path encrypted = dir.resolve("encrypted.key");
        run("openssl", "pkcs8", "-topk8", "-in", key.toString(), "-out", encrypted.toString(), "-passout", "pass:x");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");

        assertThatThrownBy(() -> ServedCertificate.load(new CertificateFiles(cert, encrypted)))
                .hasMessageStartingWith("keyFile " + encrypted + ": the key is encrypted;");
        assertThatThrownBy(() -> ServedCertificate.load(new CertificateFiles(garbage, key)))
                .hasMessage("certFile " + garbage + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
        assertThatThrownBy(() -> ServedCertificate.load(new CertificateFiles(cert, garbage)))
                .hasMessage("keyFile " + garbage + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in the file");
    }

    @Test
    void refusesAChainCaughtHalfWritten() throws Exception {
        Path key = openssl("d.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out");
        Path cert = certificate(key, "d.pem", "d.test");
        String whole = Files.readString(cert);
        // The leaf, then the first lines of an intermediate the writer had not finished.
        Path half = Files.writeString(dir.resolve("half.pem"), whole + whole.substring(0, 80));

        assertThatThrownBy(() -> ServedCertificate.load(new CertificateFiles(half, key)))
                .hasMessage("certFile " + half + ": a PEM block has no matching -----END line (is the file still "
                        + "being written?)");
    }

    /** A self-signed certificate for {@code key}, named {@code name} and {@code *.name}. */
    private Path certificate(Path key, String file, String name) throws Exception {
        Path cert = dir.resolve(file);
        run("openssl", "req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(), "-days", "30",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=DNS:" + name + ",DNS:*." + name);
        return cert;
    }

    private Path openssl(String file, String... arguments) throws Exception {
        Path out = dir.resolve(file);
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        command.add(out.toString());
        run(command.toArray(String[]::new));
        return out;
    }

    private static void run(String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Requirements.require(false, "the openssl command, to write keys the way users' tools do");
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
