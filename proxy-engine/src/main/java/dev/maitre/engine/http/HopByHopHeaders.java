package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1), in
 * both directions: {@code Connection} and every header it names, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code Transfer-Encoding} (the proxy re-frames
 * the body itself) and {@code Upgrade}.
 */
final class HopByHopHeaders {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    private static final AsciiString[] ALWAYS = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, PROXY_CONNECTION, HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
    };

    private HopByHopHeaders() {
    }

    /**
     * Strips hop-by-hop headers from {@code headers}, except those that also carry end-to-end
     * meaning the caller needs: {@code Transfer-Encoding} and framing are decided by the caller.
     */
    static void strip(HttpHeaders headers) {
        List<String> connection = headers.getAll(HttpHeaderNames.CONNECTION);
        for (String value : connection) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !isFraming(token)) {
                    headers.remove(token);
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
    }

    /** Connection may not remove the headers the proxy needs to frame the message. */
    private static boolean isFraming(String token) {
        return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(token)
                || HttpHeaderNames.HOST.contentEqualsIgnoreCase(token);
    }
}
