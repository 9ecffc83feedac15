package dev.maitre.engine.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a listener or cluster names: certificate chains, and private keys in the three
 * unencrypted forms tools write — PKCS#8 ({@code BEGIN PRIVATE KEY}, OpenSSL 3's default), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) and SEC 1 ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam}
 * and some ACME clients write). An encrypted key is refused with how to decrypt it: the proxy would
 * need its password in the configuration anyway.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]+-----");

    private PemFiles() {
    }

    /** The certificates of {@code file} in their order (a chain: leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        int blocks = 0;
        while (block.find()) {
            blocks++;
            if (block.group(1).equals("CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(decode(block.group(2)))));
            }
        }
        if (blocks != BEGIN.matcher(text).results().count()) {
            // Most likely a file caught while being written: serving its leaf without the rest of its
            // chain would fail every client that needs the intermediate.
            throw new CertificateException("a PEM block has no matching -----END line (is the file still being "
                    + "written?)");
        }
        if (chain.isEmpty()) {
            throw new CertificateException("no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
        }
        return chain;
    }

    /** The private key of {@code file}. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher block = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (block.find()) {
            byte[] der = decode(block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Der.rsaPkcs8(der)));
                case "EC PRIVATE KEY":
                    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Der.ecPkcs8(der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new GeneralSecurityException("the key is encrypted; write it decrypted with "
                            + "`openssl pkey -in KEY -out KEY.plain` and keep that file readable by maitre alone");
                default:
                    break;
            }
        }
        throw new GeneralSecurityException("no PEM private key (-----BEGIN PRIVATE KEY-----) in the file");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "RSASSA-PSS", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("the private key is neither RSA nor EC: " + last.getMessage(), last);
    }

    private static byte[] decode(String base64) throws CertificateException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CertificateException("a PEM block is not valid base64: " + e.getMessage(), e);
        }
    }
}
