package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

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

    private final String scheme;

    /** @param scheme {@code http} or {@code https}: what the listener's clients use */
    ForwardingHeaders(String scheme) {
        this.scheme = scheme;
    }

    /** @param host the Host the client asked for, or {@code null} when it named none */
    void apply(HttpHeaders headers, ClientHop hop, String host) {
        if (hop.trusted()) {
            extend(headers, hop, host);
        } else {
            replace(headers, hop, host);
        }
    }

    private void replace(HttpHeaders headers, ClientHop hop, String host) {
        headers.set(X_FORWARDED_FOR, hop.address());
        headers.set(X_FORWARDED_PROTO, scheme);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
        headers.remove(FORWARDED);
        headers.remove(X_REAL_IP);
        headers.remove(X_FORWARDED_PORT);
        headers.remove(X_FORWARDED_PREFIX);
    }

    private void extend(HttpHeaders headers, ClientHop hop, String host) {
        headers.set(X_FORWARDED_FOR, appended(headers.getAll(X_FORWARDED_FOR), hop.address()));
        if (headers.contains(FORWARDED)) {
            headers.set(FORWARDED, appended(headers.getAll(FORWARDED), forwardedElement(hop.address(), host)));
        }
        setIfAbsent(headers, X_FORWARDED_PROTO, scheme);
        if (host != null) {
            setIfAbsent(headers, X_FORWARDED_HOST, host);
        }
    }

    private static void setIfAbsent(HttpHeaders headers, AsciiString name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }

    /** The list in {@code lines} (one header or several), joined into one value, with {@code last} after it. */
    private static String appended(List<String> lines, String last) {
        if (lines.isEmpty()) {
            return last;
        }
        StringBuilder chain = new StringBuilder();
        for (String line : lines) {
            if (!line.isBlank()) {
                chain.append(line.trim()).append(", ");
            }
        }
        return chain.append(last).toString();
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
