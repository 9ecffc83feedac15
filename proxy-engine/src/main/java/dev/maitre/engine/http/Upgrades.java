package dev.maitre.engine.http;

import dev.maitre.engine.http1.HeadFields;
import dev.maitre.engine.http1.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The protocols a listener lets a client upgrade to through the proxy ({@code upgrades}, RFC 9110
 * §7.8), and the reading of a request's and a {@code 101}'s {@code Upgrade} fields against them. An
 * entry without a version ({@code websocket}) allows every version of its protocol; one with a version
 * ({@code foo/2}) only that one. Names are compared without regard to case.
 *
 * <p>A request asks for an upgrade maitre passes on when it is HTTP/1.1 (an HTTP/1.0 request's
 * {@code Upgrade} is ignored, as RFC 9110 §7.8 says), has no body (a body would have to be read whole
 * before the switch, and nothing needs that), lists {@code upgrade} in {@code Connection}, and names
 * at least one allowed protocol in {@code Upgrade}. Such a request goes to its backend with
 * {@code Connection: upgrade} and {@code Upgrade} holding the allowed protocols it named, in its
 * order. Any other request loses {@code Upgrade} with the other hop-by-hop fields.
 */
final class Upgrades {

    static final Upgrades WEBSOCKET = new Upgrades(List.of("websocket"));

    private static final byte[] CONNECTION_UPGRADE = "Connection: upgrade\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = "Upgrade: ".getBytes(StandardCharsets.US_ASCII);

    /** Lower-case, each a protocol name with or without a version. */
    private final byte[][] allowed;

    Upgrades(List<String> protocols) {
        allowed = new byte[protocols.size()][];
        for (int i = 0; i < protocols.size(); i++) {
            allowed[i] = protocols.get(i).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Whether {@code head} asks for an upgrade this listener passes on (see the class comment). */
    boolean requested(RequestHead head) {
        if (allowed.length == 0 || !head.connectionUpgrade() || head.minorVersion() == 0 || head.chunked()
                || head.contentLength() > 0) {
            return false;
        }
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, HttpHeaderNames.UPGRADE) && writeAllowed(head, i, null, false)) {
                return true;
            }
        }
        return false;
    }

    /** Writes the fields that ask the backend for the upgrade {@code head} asked for. */
    void write(RequestHead head, ByteBuf out) {
        out.writeBytes(CONNECTION_UPGRADE);
        out.writeBytes(UPGRADE);
        boolean first = true;
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, HttpHeaderNames.UPGRADE)) {
                first = writeAllowed(head, i, out, first) ? false : first;
            }
        }
        out.writeByte('\r').writeByte('\n');
    }

    /**
     * Whether the {@code 101} {@code answer} switches to a protocol {@code request} asked for (RFC 9110
     * §15.2.2: the server names the protocols it switches to in {@code Upgrade}).
     */
    boolean accepted(HeadFields answer, RequestHead request) {
        for (int a = 0; a < answer.fieldCount(); a++) {
            if (!answer.nameIs(a, HttpHeaderNames.UPGRADE)) {
                continue;
            }
            int from = answer.valueStart(a);
            int end = answer.valueEnd(a);
            while (from < end) {
                int to = tokenEnd(answer, from, end);
                int start = skipSpace(answer, from, to);
                int stop = trimSpace(answer, start, to);
                if (stop > start && requestedToken(request, answer, start, stop)) {
                    return true;
                }
                from = to + 1;
            }
        }
        return false;
    }

    /** Whether the protocol in bytes {@code [from, to)} of {@code answer} is one {@code request} asked for and is allowed. */
    private boolean requestedToken(RequestHead request, HeadFields answer, int from, int to) {
        if (!allows(answer, from, to)) {
            return false;
        }
        for (int i = 0; i < request.fieldCount(); i++) {
            if (!request.nameIs(i, HttpHeaderNames.UPGRADE)) {
                continue;
            }
            int at = request.valueStart(i);
            int end = request.valueEnd(i);
            while (at < end) {
                int next = tokenEnd(request, at, end);
                int start = skipSpace(request, at, next);
                int stop = trimSpace(request, start, next);
                if (sameName(request, start, stop, answer, from, to)) {
                    return true;
                }
                at = next + 1;
            }
        }
        return false;
    }

    /**
     * The allowed protocols of {@code Upgrade} field {@code i}, written to {@code out} (when not null)
     * after a comma unless {@code first}: whether there was any.
     */
    private boolean writeAllowed(HeadFields head, int i, ByteBuf out, boolean first) {
        boolean any = false;
        int from = head.valueStart(i);
        int end = head.valueEnd(i);
        while (from < end) {
            int to = tokenEnd(head, from, end);
            int start = skipSpace(head, from, to);
            int stop = trimSpace(head, start, to);
            if (stop > start && allows(head, start, stop)) {
                if (out == null) {
                    return true;
                }
                if (!first || any) {
                    out.writeByte(',').writeByte(' ');
                }
                for (int k = start; k < stop; k++) {
                    out.writeByte(head.byteAt(k));
                }
                any = true;
            }
            from = to + 1;
        }
        return any;
    }

    /** Whether the protocol in bytes {@code [from, to)} of {@code head} is allowed. */
    private boolean allows(HeadFields head, int from, int to) {
        for (byte[] entry : allowed) {
            if (matches(entry, head, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** An entry without a version matches its protocol in any version; one with a version, that one only. */
    private static boolean matches(byte[] entry, HeadFields head, int from, int to) {
        int length = to - from;
        if (length < entry.length) {
            return false;
        }
        for (int k = 0; k < entry.length; k++) {
            if (lower(head.byteAt(from + k)) != entry[k]) {
                return false;
            }
        }
        return length == entry.length || (head.byteAt(from + entry.length) == '/' && indexOfSlash(entry) < 0);
    }

    private static int indexOfSlash(byte[] entry) {
        for (int k = 0; k < entry.length; k++) {
            if (entry[k] == '/') {
                return k;
            }
        }
        return -1;
    }

    private static boolean sameName(HeadFields a, int aFrom, int aTo, HeadFields b, int bFrom, int bTo) {
        if (aTo - aFrom != bTo - bFrom || aTo <= aFrom) {
            return false;
        }
        for (int k = 0; k < aTo - aFrom; k++) {
            if (lower(a.byteAt(aFrom + k)) != lower(b.byteAt(bFrom + k))) {
                return false;
            }
        }
        return true;
    }

    private static int tokenEnd(HeadFields head, int from, int end) {
        int to = from;
        while (to < end && head.byteAt(to) != ',') {
            to++;
        }
        return to;
    }

    private static int skipSpace(HeadFields head, int from, int to) {
        while (from < to && isSpace(head.byteAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimSpace(HeadFields head, int from, int to) {
        while (to > from && isSpace(head.byteAt(to - 1))) {
            to--;
        }
        return to;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}
