package dev.maitre.engine.http;

import dev.maitre.engine.http1.HeadFields;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Tells the backend who the client is, with the headers nginx, HAProxy and Envoy users expect:
 * {@code X-Forwarded-For}, {@code -Proto} and {@code -Host}. From a peer the listener does not trust,
 * nothing the client said about itself survives: those three are set to what maitre saw, and the
 * forwarding headers maitre does not add ({@code Forwarded}, {@code X-Real-IP},
 * {@code X-Forwarded-Port}, {@code -Prefix}) are removed, since a backend could believe them. From a
 * trusted proxy they are kept: the peer's address is appended to {@code X-Forwarded-For}, an element
 * to a {@code Forwarded} chain the proxy started (RFC 7239), and proto and host are set only when
 * the proxy sent none.
 */
final class ForwardingHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-prefix");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    /** Every header this class owns; an underscored spelling of one is never forwarded. */
    static final AsciiString[] NAMES = {
        X_FORWARDED_FOR, X_FORWARDED_PROTO, X_FORWARDED_HOST, X_FORWARDED_PORT, X_FORWARDED_PREFIX, X_REAL_IP, FORWARDED,
    };

    private static final int CRLF = ('\r' << 8) | '\n';

    private final String scheme;

    /** @param scheme {@code http} or {@code https}: what the listener's clients use */
    ForwardingHeaders(String scheme) {
        this.scheme = scheme;
    }

    /**
     * Whether field {@code i} of a request from {@code hop} is one this class writes itself, so
     * that it is not copied: from a peer not trusted, every forwarding header; from a trusted proxy,
     * {@code X-Forwarded-For} and {@code Forwarded}, which are written again extended.
     */
    static boolean replaces(HeadFields head, int i, ClientHop hop) {
        if (hop.trusted()) {
            return head.nameIs(i, X_FORWARDED_FOR) || head.nameIs(i, FORWARDED);
        }
        for (AsciiString name : NAMES) {
            if (head.nameIs(i, name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the forwarding headers of a request from {@code hop} after its copied fields.
     *
     * @param connectionNames whether the request's {@code Connection} fields may name headers, which
     *     are then not forwarded (see {@link HopByHopHeaders})
     * @param host the Host the client asked for, or {@code null} when it named none
     */
    void write(ByteBuf out, HeadFields head, boolean connectionNames, ClientHop hop, String host) {
        if (!hop.trusted()) {
            field(out, X_FORWARDED_FOR, hop.text());
            field(out, X_FORWARDED_PROTO, scheme);
            if (host != null) {
                field(out, X_FORWARDED_HOST, host);
            }
            return;
        }
        out.writeBytes(X_FORWARDED_FOR.array(), X_FORWARDED_FOR.arrayOffset(), X_FORWARDED_FOR.length());
        out.writeByte(':').writeByte(' ');
        chain(out, head, connectionNames, X_FORWARDED_FOR);
        out.writeCharSequence(hop.text(), StandardCharsets.ISO_8859_1);
        out.writeShort(CRLF);
        if (has(head, connectionNames, FORWARDED)) {
            out.writeBytes(FORWARDED.array(), FORWARDED.arrayOffset(), FORWARDED.length());
            out.writeByte(':').writeByte(' ');
            chain(out, head, connectionNames, FORWARDED);
            out.writeCharSequence(forwardedElement(hop.text(), host), StandardCharsets.ISO_8859_1);
            out.writeShort(CRLF);
        }
        if (!has(head, connectionNames, X_FORWARDED_PROTO)) {
            field(out, X_FORWARDED_PROTO, scheme);
        }
        if (host != null && !has(head, connectionNames, X_FORWARDED_HOST)) {
            field(out, X_FORWARDED_HOST, host);
        }
    }

    private static void field(ByteBuf out, AsciiString name, String value) {
        out.writeBytes(name.array(), name.arrayOffset(), name.length());
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeShort(CRLF);
    }

    /** Whether {@code head} has a forwarded field {@code name}. */
    private static boolean has(HeadFields head, boolean connectionNames, AsciiString name) {
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, name) && !HopByHopHeaders.isHopByHop(head, i, connectionNames)) {
                return true;
            }
        }
        return false;
    }

    /** The forwarded fields {@code name} (one or several), their non-empty values each followed by {@code ", "}. */
    private static void chain(ByteBuf out, HeadFields head, boolean connectionNames, AsciiString name) {
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, name) && head.valueEnd(i) > head.valueStart(i)
                    && !HopByHopHeaders.isHopByHop(head, i, connectionNames)) {
                head.copyValue(i, out);
                out.writeByte(',').writeByte(' ');
            }
        }
    }

    /**
     * {@code for=...;proto=...;host=...} (RFC 7239 §4): an IPv6 address in brackets and quotes, a host
     * that is not a token (one with a port) in quotes. Neither can hold a quote or a backslash: the
     * address is maitre's own text and the host passed {@link RequestValidator#isValidHost}.
     */
    private String forwardedElement(String address, String host) {
        StringBuilder element = new StringBuilder(48).append("for=");
        if (address.indexOf(':') >= 0) {
            element.append("\"[").append(address).append("]\"");
        } else {
            element.append(address);
        }
        element.append(";proto=").append(scheme);
        if (host != null) {
            element.append(";host=");
            if (RequestValidator.isToken(host)) {
                element.append(host);
            } else {
                element.append('"').append(host).append('"');
            }
        }
        return element.toString();
    }
}
