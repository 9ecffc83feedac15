package dev.maitre.engine.http;

/**
 * The rules that keep a path from meaning one thing to the router and another to a backend.
 *
 * <ul>
 *   <li>Dot segments ({@code .}, {@code ..}, also spelled with {@code %2e}) are resolved as RFC 3986
 *       §5.2.4 says and repeated slashes merged; the result is both what routes match and what the
 *       backend receives, so no backend can resolve the path into another route's space.
 *   <li>A segment that other servers read as a dot segment is refused: one whose path parameters
 *       hide a dot segment ({@code ..;x}, {@code .;x}; Tomcat and Jetty drop the parameters), and one
 *       that holds a dot segment between encoded slashes or backslashes ({@code ..%2f}, {@code x%5c..};
 *       servers that decode them first would climb out of the prefix).
 *   <li>Routes compare the path in {@link dev.maitre.engine.route.RoutingPath}'s form, with
 *       percent-encoded unreserved characters decoded ({@code /%61pi} is {@code /api}); the backend
 *       receives them as written. Other encodings, {@code %2F} and {@code %25} among them, are plain
 *       characters of their segment.
 * </ul>
 *
 * A path needing none of this, which is nearly every path, is returned as it is, without copying.
 */
final class RequestPath {

    private static final int PLAIN = 0;
    private static final int DOT = 1;
    private static final int DOT_DOT = 2;
    private static final int REFUSED = 3;

    private RequestPath() {
    }

    /**
     * The path {@code target.substring(0, end)} (which starts with {@code /}) with dot segments resolved
     * and repeated slashes merged, or {@code null} when it must be refused.
     */
    static String resolve(String target, int end) {
        boolean changes = false;
        int segments = 0;
        int start = 1;
        for (int i = 1; i <= end; i++) {
            if (i < end && target.charAt(i) != '/') {
                continue;
            }
            int kind = classify(target, start, i);
            if (kind == REFUSED) {
                return null;
            }
            changes |= kind != PLAIN || (start == i && i < end);
            segments++;
            start = i + 1;
        }
        if (!changes) {
            return end == target.length() ? target : target.substring(0, end);
        }
        return rebuild(target, end, segments);
    }

    /** RFC 3986 §5.2.4 over segment bounds; a final {@code .} or {@code ..} leaves a trailing slash. */
    private static String rebuild(String target, int end, int segments) {
        int[] bounds = new int[segments * 2];
        int kept = 0;
        int start = 1;
        for (int i = 1; i <= end; i++) {
            if (i < end && target.charAt(i) != '/') {
                continue;
            }
            boolean last = i == end;
            int kind = classify(target, start, i);
            if (kind == DOT_DOT && kept > 0) {
                kept--;
            }
            if (kind == PLAIN && (start < i || last) || kind != PLAIN && last) {
                bounds[2 * kept] = kind == PLAIN ? start : i;
                bounds[2 * kept + 1] = i;
                kept++;
            }
            start = i + 1;
        }
        StringBuilder path = new StringBuilder(end);
        for (int k = 0; k < kept; k++) {
            path.append('/').append(target, bounds[2 * k], bounds[2 * k + 1]);
        }
        return kept == 0 ? "/" : path.toString();
    }

    /** What the segment {@code s[from, to)} is. */
    private static int classify(String s, int from, int to) {
        boolean dotOrPercent = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.' || c == '%') {
                dotOrPercent = true;
                break;
            }
        }
        if (!dotOrPercent) {
            return PLAIN;
        }
        int kind = dotSegment(s, from, to);
        if (kind != PLAIN) {
            return kind;
        }
        // Pieces between encoded slashes and backslashes: a server that decodes them sees these as segments.
        int piece = from;
        boolean split = false;
        for (int i = from; i + 2 < to; i++) {
            if (s.charAt(i) == '%' && isEncodedSlash(s.charAt(i + 1), s.charAt(i + 2))) {
                if (dotSegment(s, piece, i) != PLAIN) {
                    return REFUSED;
                }
                split = true;
                piece = i + 3;
                i += 2;
            }
        }
        return split && dotSegment(s, piece, to) != PLAIN ? REFUSED : PLAIN;
    }

    /**
     * {@code DOT} or {@code DOT_DOT} for {@code .} and {@code ..} in any spelling, {@code REFUSED} when
     * path parameters ({@code ;} or {@code %3B}) follow them, else {@code PLAIN}.
     */
    private static int dotSegment(String s, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to && dots < 3) {
            if (s.charAt(i) == '.') {
                i++;
            } else if (isEncoded(s, i, to, '2', 'e')) {
                i += 3;
            } else {
                break;
            }
            dots++;
        }
        if (dots == 0 || dots > 2) {
            return PLAIN;
        }
        if (i == to) {
            return dots == 1 ? DOT : DOT_DOT;
        }
        return s.charAt(i) == ';' || isEncoded(s, i, to, '3', 'b') ? REFUSED : PLAIN;
    }

    private static boolean isEncoded(String s, int i, int to, char high, char low) {
        return i + 2 < to && s.charAt(i) == '%' && s.charAt(i + 1) == high
                && (s.charAt(i + 2) | 0x20) == low;
    }

    private static boolean isEncodedSlash(char high, char low) {
        return (high == '2' && (low | 0x20) == 'f') || (high == '5' && (low | 0x20) == 'c');
    }
}
