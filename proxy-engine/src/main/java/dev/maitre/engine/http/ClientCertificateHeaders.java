package dev.maitre.engine.http;

import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.engine.http1.HeadFields;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * The headers that tell a backend which verified client certificate a request came with
 * ({@code tls.clientCertHeaders}): whatever a client sent under those names is always dropped, and
 * they are set only from the certificate its TLS handshake verified, so a backend never reads a value
 * the proxy did not set. The values are worked out once per TLS session and kept on it. One per
 * listener.
 */
final class ClientCertificateHeaders {

    static final ClientCertificateHeaders NONE = new ClientCertificateHeaders(null, null);

    private static final String SESSION_KEY = "dev.maitre.client-certificate";
    private static final int CRLF = ('\r' << 8) | '\n';

    private final AsciiString subject;
    private final AsciiString fingerprint;
    /** The names as CGI-style backends read them (lower case, {@code -} for {@code _}), which a client's field must not spell. */
    private final AsciiString subjectSpelled;
    private final AsciiString fingerprintSpelled;

    private ClientCertificateHeaders(String subject, String fingerprint) {
        this.subject = subject == null ? null : AsciiString.of(subject.toLowerCase(Locale.ROOT));
        this.fingerprint = fingerprint == null ? null : AsciiString.of(fingerprint.toLowerCase(Locale.ROOT));
        this.subjectSpelled = subject == null ? null : AsciiString.of(subject.toLowerCase(Locale.ROOT).replace('_', '-'));
        this.fingerprintSpelled = fingerprint == null ? null
                : AsciiString.of(fingerprint.toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    static ClientCertificateHeaders of(ClientCertHeaders config) {
        return config.any() ? new ClientCertificateHeaders(config.subject(), config.fingerprint()) : NONE;
    }

    /** Whether any header is configured: only then is a request's TLS session looked at. */
    boolean any() {
        return subject != null || fingerprint != null;
    }

    /**
     * Whether field {@code i} of a client's head has one of the names, in any case and with {@code _}
     * for {@code -} ({@code X_Client_Cert_Subject}, which CGI, WSGI and PHP read as the same variable,
     * even where the listener passes underscored names on), and so is not passed on.
     */
    boolean replaces(HeadFields head, int i) {
        return subjectSpelled != null && UnderscoredHeaders.spells(head, i, subjectSpelled)
                || fingerprintSpelled != null && UnderscoredHeaders.spells(head, i, fingerprintSpelled);
    }

    /** Writes the headers for the certificate {@code session} verified; nothing without one. */
    void write(ByteBuf out, SSLSession session) {
        if (session == null) {
            return;
        }
        Identity identity = identity(session);
        if (identity == Identity.NONE) {
            return;
        }
        if (subject != null) {
            field(out, subject, identity.subject());
        }
        if (fingerprint != null) {
            field(out, fingerprint, identity.fingerprint());
        }
    }

    private static void field(ByteBuf out, AsciiString name, String value) {
        out.writeBytes(name.array(), name.arrayOffset(), name.length());
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
        out.writeShort(CRLF);
    }

    /** A verified client certificate's subject and SHA-256 fingerprint, as header values. */
    record Identity(String subject, String fingerprint) {

        static final Identity NONE = new Identity(null, null);
    }

    static Identity identity(SSLSession session) {
        Object kept = session.getValue(SESSION_KEY);
        if (kept instanceof Identity identity) {
            return identity;
        }
        Identity identity = Identity.NONE;
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                identity = new Identity(headerValue(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253)),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())));
            }
        } catch (SSLPeerUnverifiedException e) {
            // No certificate, or none that verified: nothing is sent.
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            identity = Identity.NONE;
        }
        session.putValue(SESSION_KEY, identity);
        return identity;
    }

    /**
     * {@code text} as a header value: printable ASCII kept, every other byte of its UTF-8 form written
     * as {@code \xx} (RFC 4514's escape), so no name can carry a line break into the head.
     */
    static String headerValue(String text) {
        StringBuilder value = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                value.append((char) c);
            } else {
                value.append('\\').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return value.toString();
    }
}
