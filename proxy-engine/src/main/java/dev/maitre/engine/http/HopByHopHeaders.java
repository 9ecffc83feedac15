package dev.maitre.engine.http;

import dev.maitre.engine.http1.HeadFields;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AsciiString;

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
     * Whether field {@code i} of {@code head} is hop-by-hop: one of those always removed, or, when
     * {@code connectionNamesOthers}, a name its {@code Connection} fields list ({@code Content-Length}
     * and {@code Host} excepted: the proxy needs them to frame and route the message).
     */
    static boolean isHopByHop(HeadFields head, int i, boolean connectionNamesOthers) {
        for (AsciiString name : ALWAYS) {
            if (head.nameIs(i, name)) {
                return true;
            }
        }
        return connectionNamesOthers && namedByConnection(head, i);
    }

    /** Whether a {@code Connection} field of {@code head} lists anything besides close and keep-alive. */
    static boolean namesOthers(HeadFields head) {
        return connectionToken(head, -1);
    }

    private static boolean namedByConnection(HeadFields head, int i) {
        return !head.nameIs(i, HttpHeaderNames.CONTENT_LENGTH) && !head.nameIs(i, HttpHeaderNames.HOST)
                && connectionToken(head, i);
    }

    /**
     * Walks the tokens of every {@code Connection} field of {@code head}: whether one names field
     * {@code i}, or, for {@code i} -1, whether one is neither close nor keep-alive.
     */
    private static boolean connectionToken(HeadFields head, int i) {
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

    private static boolean is(HeadFields head, int from, int to, AsciiString lowerCase) {
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
