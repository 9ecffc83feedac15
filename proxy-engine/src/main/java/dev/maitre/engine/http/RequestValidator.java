package dev.maitre.engine.http;

import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestVerdict;

/**
 * Decides whether a request head may be forwarded. The parser ({@link dev.maitre.engine.http1.RequestHeadParser})
 * already refused what breaks the syntax and the framing rules; this adds what RFC 9112 and RFC 9110
 * require of a server about {@code Host} and the request target, and the listener's body limit,
 * choosing rejection wherever the RFCs allow repair instead.
 */
final class RequestValidator {

    private RequestValidator() {
    }

    /**
     * Why {@code request}, whose target parsed as {@code target} ({@code null} if invalid), must be
     * rejected, or {@code null} when it may be forwarded; a body announced over the listener's
     * {@code limits.maxBodyBytes} is refused before any of it is read.
     */
    static Rejection validate(ClientRequest request, RequestTarget target, long maxBodyBytes) {
        if (!request.valid()) {
            return refused(request.verdict());
        }
        if (target == null) {
            return Rejection.MALFORMED;
        }
        if (target == RequestTarget.AMBIGUOUS_PATH) {
            return Rejection.AMBIGUOUS_PATH;
        }
        RequestHead head = request.head();
        if (head.hostCount() > 1) {
            return Rejection.BAD_HOST;
        }
        if (head.hostCount() == 0) {
            // RFC 9112 §3.2: a 1.1 request without Host is rejected; 1.0 clients may omit it.
            if (head.minorVersion() >= 1) {
                return Rejection.BAD_HOST;
            }
        } else if (!isValidHost(request.host())) {
            return Rejection.BAD_HOST;
        }
        return head.contentLength() > maxBodyBytes ? Rejection.BODY_TOO_LARGE : null;
    }

    /** The answer to a head the parser refused. */
    static Rejection refused(RequestVerdict verdict) {
        return switch (verdict) {
            case MALFORMED -> Rejection.MALFORMED;
            case BAD_FRAMING -> Rejection.BAD_FRAMING;
            case REQUEST_LINE_TOO_LONG -> Rejection.URI_TOO_LONG;
            case HEAD_TOO_LARGE -> Rejection.HEADERS_TOO_LARGE;
            case UNSUPPORTED_TRANSFER_CODING -> Rejection.UNSUPPORTED_TRANSFER_CODING;
            case UNSUPPORTED_METHOD -> Rejection.UNSUPPORTED_METHOD;
            case UNSUPPORTED_VERSION -> Rejection.UNSUPPORTED_VERSION;
            case COMPLETE, NEED_MORE -> throw new IllegalArgumentException(verdict.name());
        };
    }

    /** RFC 9110 §5.6.2 token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTchar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /**
     * RFC 9110 §7.2: {@code uri-host [":" port]}, where uri-host is a bracketed IP literal or a
     * reg-name / IPv4 address. An empty value is allowed (RFC 9112 §3.2).
     */
    static boolean isValidHost(String value) {
        if (value.isEmpty()) {
            return true;
        }
        int portStart;
        if (value.charAt(0) == '[') {
            int close = value.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = value.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            portStart = close + 1;
            if (portStart < value.length() && value.charAt(portStart) != ':') {
                return false;
            }
        } else {
            int colon = value.indexOf(':');
            portStart = colon < 0 ? value.length() : colon;
            if (portStart == 0) {
                return false;
            }
            for (int i = 0; i < portStart; i++) {
                char c = value.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._~!$&'()*+,;=%".indexOf(c) >= 0;
                if (!ok) {
                    return false;
                }
            }
        }
        if (portStart < value.length()) {
            for (int i = portStart + 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return value.length() - portStart - 1 <= 5;
        }
        return true;
    }
}
