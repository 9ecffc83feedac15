package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/**
 * Rewrites a backend's final response head for the client and decides how both connections go on:
 * hop-by-hop headers removed; a body without Content-Length sent chunked to an HTTP/1.1 client and
 * close-delimited to an HTTP/1.0 one; {@code Connection} set for the client; HEAD, 204 and 304
 * without a body. The decision comes back as bit flags, so nothing is allocated per response.
 */
final class ResponseFraming {

    /** The body goes to the client chunked (trailers can follow). */
    static final int CHUNKED_TO_CLIENT = 1;
    /** The client connection stays open after this response. */
    static final int CLIENT_KEEP_ALIVE = 2;
    /** The backend connection may go back to its pool after this response. */
    static final int BACKEND_REUSABLE = 4;

    private ResponseFraming() {
    }

    /**
     * Whether a backend's reason phrase may be passed on: tabs, spaces, visible characters and
     * obs-text only (RFC 9112 §4). A control character could end or break the status line for a
     * client that reads it differently.
     */
    static boolean isValidReasonPhrase(String reason) {
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every field value is free of leading and trailing whitespace (RFC 9110 §5.5). Netty
     * unfolds an obsolete line folding of a backend's head or trailers into a value that can end
     * in a space; passed on, a client that trims it would read another value than maitre did.
     */
    static boolean hasCleanFieldValues(HttpHeaders headers) {
        for (Map.Entry<String, String> field : headers) {
            String value = field.getValue();
            int last = value.length() - 1;
            if (last >= 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(last)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Rewrites {@code response} in place.
     *
     * @param keepAliveWanted whether the client connection could stay open as far as the request
     *     and the proxy are concerned
     */
    static int frame(HttpResponse response, boolean headRequest, boolean http10Client, boolean keepAliveWanted) {
        int code = response.status().code();
        boolean backendReusable = HttpUtil.isKeepAlive(response);
        boolean bodyless = headRequest || code == 204 || code == 304;
        boolean hasLength = response.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunkedFromBackend = HttpUtil.isTransferEncodingChunked(response);
        boolean keepAlive = keepAliveWanted;
        boolean chunkedToClient = false;
        HopByHopHeaders.strip(response.headers());
        if (bodyless) {
            if (code == 204) {
                response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            } else if (headRequest && chunkedFromBackend && !http10Client) {
                response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        } else if (!hasLength) {
            if (!chunkedFromBackend) {
                // read until the backend closes: that connection cannot serve another request
                backendReusable = false;
            }
            if (http10Client) {
                keepAlive = false;
            } else {
                chunkedToClient = true;
                response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10Client) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        return (chunkedToClient ? CHUNKED_TO_CLIENT : 0) | (keepAlive ? CLIENT_KEEP_ALIVE : 0)
                | (backendReusable ? BACKEND_REUSABLE : 0);
    }
}
