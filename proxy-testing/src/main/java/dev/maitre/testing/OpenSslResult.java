package dev.maitre.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code openssl s_client} run saw, read from its output: whether the handshake completed,
 * with which protocol and cipher, whether the session was new or resumed, the ALPN protocol, the
 * server's certificate and the verification result. {@link #toString()} gives the command and the
 * whole output, for an assertion's message.
 */
public final class OpenSslResult {

    private static final Pattern SESSION = Pattern.compile("^(New|Reused), (\\S+), Cipher is (\\S+)$", Pattern.MULTILINE);
    private static final Pattern ALPN = Pattern.compile("^ALPN protocol: (\\S+)$", Pattern.MULTILINE);
    private static final Pattern VERIFY = Pattern.compile("^\\s*Verify return code: (\\d+) \\((.*)\\)$", Pattern.MULTILINE);
    private static final Pattern SUBJECT = Pattern.compile("^subject=(.*)$", Pattern.MULTILINE);
    private static final Pattern CERTIFICATE = Pattern.compile(
            "^Server certificate\\R(-----BEGIN CERTIFICATE-----\\R[\\s\\S]*?-----END CERTIFICATE-----)", Pattern.MULTILINE);
    private static final String NONE = "(NONE)";

    private final String command;
    private final String output;
    private final int exitCode;
    private final boolean timedOut;

    private OpenSslResult(String command, String output, int exitCode, boolean timedOut) {
        this.command = command;
        this.output = output;
        this.exitCode = exitCode;
        this.timedOut = timedOut;
    }

    /** Reads the output of {@code command}, which exited with {@code exitCode} (-1 when killed at its timeout). */
    public static OpenSslResult parse(String command, String output, int exitCode, boolean timedOut) {
        return new OpenSslResult(command, output, exitCode, timedOut);
    }

    /** Whether a handshake completed: s_client's summary names a protocol and a cipher. */
    public boolean handshake() {
        Matcher m = SESSION.matcher(output);
        return m.find() && !m.group(2).equals(NONE) && !m.group(3).equals(NONE);
    }

    /** The protocol of the handshake, {@code TLSv1.2} or {@code TLSv1.3}; {@code (NONE)} when it failed; null without a summary. */
    public String protocol() {
        return session(2);
    }

    /** The cipher, in OpenSSL's names ({@code ECDHE-RSA-AES128-GCM-SHA256}, {@code TLS_AES_128_GCM_SHA256}). */
    public String cipher() {
        return session(3);
    }

    /** Whether the server resumed the offered session ({@code Reused}) instead of a full handshake ({@code New}). */
    public boolean reused() {
        return "Reused".equals(session(1));
    }

    private String session(int group) {
        Matcher m = SESSION.matcher(output);
        return m.find() ? m.group(group) : null;
    }

    /** The protocol the server chose by ALPN, empty when none was negotiated. */
    public Optional<String> alpn() {
        Matcher m = ALPN.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The verification result code (0 is ok, 18 a self-signed certificate, ...), -1 when not printed. */
    public int verifyCode() {
        Matcher m = VERIFY.matcher(output);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The verification result in words ({@code ok}, {@code unable to get local issuer certificate}, ...). */
    public String verifyResult() {
        Matcher m = VERIFY.matcher(output);
        return m.find() ? m.group(2) : null;
    }

    /** The server certificate's subject as s_client prints it ({@code CN = a.example.test}); null if none was shown. */
    public String subject() {
        Matcher m = SUBJECT.matcher(output);
        return m.find() ? m.group(1).trim() : null;
    }

    /** The server's (leaf) certificate, of the handshake or of the resumed session; empty when the handshake failed. */
    public Optional<X509Certificate> peerCertificate() {
        Matcher m = CERTIFICATE.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(m.group(1).getBytes(StandardCharsets.US_ASCII))));
        } catch (CertificateException e) {
            throw new IllegalStateException("s_client printed a certificate that does not parse:\n" + m.group(1), e);
        }
    }

    /** The DNS names in the server certificate's subject alternative names, in order. */
    public List<String> sanNames() {
        X509Certificate certificate = peerCertificate().orElseThrow(
                () -> new IllegalStateException("no server certificate in the output of " + this));
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            List<String> dns = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(2).equals(name.get(0))) {
                        dns.add((String) name.get(1));
                    }
                }
            }
            return dns;
        } catch (CertificateParsingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The algorithm of the server certificate's key: {@code RSA} or {@code EC}. */
    public String peerKeyAlgorithm() {
        return peerCertificate().map(c -> c.getPublicKey().getAlgorithm()).orElse(null);
    }

    /** Everything s_client wrote, standard output and error in the order written. */
    public String output() {
        return output;
    }

    /** The exit status; -1 when it was killed at its timeout. */
    public int exitCode() {
        return exitCode;
    }

    /** Whether it was still running at its timeout. */
    public boolean timedOut() {
        return timedOut;
    }

    @Override
    public String toString() {
        return command + " (exit " + (timedOut ? "none: killed at its timeout" : exitCode) + "):\n" + output;
    }
}
