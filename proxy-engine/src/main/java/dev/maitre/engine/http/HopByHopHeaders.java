package dev.maitre.engine.http;

import dev.maitre.engine.http1.ResponseHead;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
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

    /**
     * Whether field {@code i} of a backend's {@code head} is hop-by-hop: one of those always removed,
     * or, when {@code connectionNamesOthers}, a name its {@code Connection} fields list.
     */
    static boolean isHopByHop(ResponseHead head, int i, boolean connectionNamesOthers) {
        for (AsciiString name : ALWAYS) {
            if (head.nameIs(i, name)) {
                return true;
            }
        }
        return connectionNamesOthers && namedByConnection(head, i);
    }

    /** Whether a {@code Connection} field of {@code head} lists anything besides close and keep-alive. */
    static boolean namesOthers(ResponseHead head) {
        return connectionToken(head, -1);
    }

    private static boolean namedByConnection(ResponseHead head, int i) {
        return !head.nameIs(i, HttpHeaderNames.CONTENT_LENGTH) && !head.nameIs(i, HttpHeaderNames.HOST)
                && connectionToken(head, i);
    }

    /**
     * Walks the tokens of every {@code Connection} field of {@code head}: whether one names field
     * {@code i}, or, for {@code i} -1, whether one is neither close nor keep-alive.
     */
    private static boolean connectionToken(ResponseHead head, int i) {
        for (int c = 0; c < head.fieldCount(); c++) {
            if (!head.nameIs(c, HttpHeaderNames.CONNECTION)) {
                continue;
            }
            int end = head.valueEnd(c);
            int from = head.valueStart(c);
            while (from < end) {
                int to = from;
                while (to < end && head.byteAt(to) != ',') {
                    to++;
                }
                int next = to + 1;
                while (from < to && isSpace(head.byteAt(from))) {
                    from++;
                }
                while (to > from && isSpace(head.byteAt(to - 1))) {
                    to--;
                }
                if (to > from && (i >= 0 ? head.nameIs(i, from, to)
                        : !is(head, from, to, HttpHeaderValues.CLOSE) && !is(head, from, to, HttpHeaderValues.KEEP_ALIVE))) {
                    return true;
                }
                from = next;
            }
        }
        return false;
    }

    private static boolean is(ResponseHead head, int from, int to, AsciiString lowerCase) {
        if (to - from != lowerCase.length()) {
            return false;
        }
        for (int k = 0; k < lowerCase.length(); k++) {
            byte b = head.byteAt(from + k);
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerCase.byteAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
