package dev.maitre.engine.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * The request validation maitre used before {@link RequestValidator}, on heads decoded by
 * {@link StrictRequestDecoder}: kept in the tests as the reference the byte-level reading is
 * compared with. Decides whether a decoded request head may be forwarded. Netty's decoder already enforces the
 * line and header syntax; this adds what RFC 9112 and RFC 9110 require of a server about framing,
 * {@code Host} and the request target, choosing rejection wherever the RFCs allow repair instead.
 */
final class ReferenceValidation {

    private static final String CHUNKED = "chunked";
    private static final String SEC_WEBSOCKET_KEY1 = "Sec-WebSocket-Key1";
    private static final String SEC_WEBSOCKET_KEY2 = "Sec-WebSocket-Key2";

    private ReferenceValidation() {
    }

    /** Why {@code request} must be rejected, or {@code null} when it may be forwarded. */
    static Rejection validate(HttpRequest request) {
        return validate(request, target(request));
    }

    /**
     * As {@link #validate(HttpRequest, RequestTarget)}, and a body announced over the listener's
     * {@code limits.maxBodyBytes} is refused before any of it is read.
     */
    static Rejection validate(HttpRequest request, RequestTarget target, long maxBodyBytes) {
        Rejection rejection = validate(request, target);
        if (rejection == null && HttpUtil.getContentLength(request, 0L) > maxBodyBytes) {
            return Rejection.BODY_TOO_LARGE;
        }
        return rejection;
    }

    /** {@link RequestTarget#parse} of the request's target. */
    static RequestTarget target(HttpRequest request) {
        return RequestTarget.parse(request.uri(), request.method().equals(HttpMethod.OPTIONS));
    }

    /** Whether {@code request} has no body: it is complete with its head. */
    static boolean bodiless(HttpRequest request) {
        return !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }

    /** As {@link #validate(HttpRequest)}, with the request's target already parsed ({@code null} if invalid). */
    static Rejection validate(HttpRequest request, RequestTarget target) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return classifyDecoderFailure(request, result.cause());
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1) {
            return Rejection.UNSUPPORTED_VERSION;
        }
        if (!RequestValidator.isToken(request.method().name())) {
            return Rejection.MALFORMED;
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            return Rejection.UNSUPPORTED_METHOD;
        }
        Rejection te = checkTransferEncoding(request);
        if (te != null) {
            return te;
        }
        if (!hasValidContentLength(request)) {
            return Rejection.BAD_FRAMING;
        }
        if (request.method().equals(HttpMethod.GET) && request.headers().contains(SEC_WEBSOCKET_KEY1)
                && request.headers().contains(SEC_WEBSOCKET_KEY2)) {
            // The obsolete hixie-76 WebSocket handshake, which Netty's decoder frames with an 8-byte
            // body that no header announces: forwarded, a backend would read those bytes as the start
            // of the next request.
            return Rejection.BAD_FRAMING;
        }
        if (target == null) {
            return Rejection.MALFORMED;
        }
        if (target == RequestTarget.AMBIGUOUS_PATH) {
            return Rejection.AMBIGUOUS_PATH;
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return Rejection.BAD_HOST;
        }
        if (hosts.isEmpty()) {
            // RFC 9112 §3.2: a 1.1 request without Host is rejected; 1.0 clients may omit it.
            return version.minorVersion() >= 1 ? Rejection.BAD_HOST : null;
        }
        return RequestValidator.isValidHost(hosts.get(0)) ? null : Rejection.BAD_HOST;
    }

    private static Rejection classifyDecoderFailure(HttpRequest request, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Rejection.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Rejection.HEADERS_TOO_LARGE;
        }
        if (request.protocolVersion().majorVersion() != 1) {
            return Rejection.UNSUPPORTED_VERSION;
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            Rejection te = checkTransferEncoding(request);
            return te != null ? te : Rejection.BAD_FRAMING;
        }
        if (cause instanceof StrictRequestDecoder.RepeatedContentLengthException || !hasValidContentLength(request)) {
            return Rejection.BAD_FRAMING;
        }
        return Rejection.MALFORMED;
    }

    /** No Content-Length, or a single one that is only digits: a list, even of equal values, is rejected. */
    private static boolean hasValidContentLength(HttpRequest request) {
        List<String> lengths = request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        return lengths.isEmpty() || (lengths.size() == 1 && isDigits(lengths.get(0)));
    }

    /**
     * Only {@code chunked} is understood. Chunked applied twice, not last, or sent by an HTTP/1.0
     * client makes the framing unreliable (400, RFC 9112 §6.1 and §6.3); any other coding is 501
     * (RFC 9112 §6.1). Content-Length beside Transfer-Encoding is rejected, not repaired.
     */
    static Rejection checkTransferEncoding(HttpRequest request) {
        List<String> fields = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (fields.isEmpty()) {
            return null;
        }
        if (request.protocolVersion().minorVersion() == 0) {
            return Rejection.BAD_FRAMING;
        }
        int codings = 0;
        int chunkedAt = -1;
        int chunkedCount = 0;
        boolean unknown = false;
        for (String field : fields) {
            for (String part : field.split(",", -1)) {
                String coding = part.trim();
                if (coding.isEmpty()) {
                    continue;
                }
                if (coding.equalsIgnoreCase(CHUNKED)) {
                    chunkedCount++;
                    chunkedAt = codings;
                } else {
                    unknown = true;
                }
                codings++;
            }
        }
        if (codings == 0 || chunkedCount > 1 || (chunkedCount == 1 && chunkedAt != codings - 1)) {
            return Rejection.BAD_FRAMING;
        }
        if (unknown) {
            return Rejection.UNSUPPORTED_TRANSFER_CODING;
        }
        if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return Rejection.BAD_FRAMING;
        }
        return null;
    }

    private static boolean isDigits(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
