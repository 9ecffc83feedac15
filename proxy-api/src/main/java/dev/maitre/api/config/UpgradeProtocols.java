package dev.maitre.api.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The protocol names of HTTP's {@code Upgrade} header (RFC 9110 §7.8) as a listener lists them:
 * {@code protocol-name} or {@code protocol-name/protocol-version}, each a token, kept lower-cased.
 *
 * <p>Matching ignores case in ASCII only: {@link String#equalsIgnoreCase} would also fold characters
 * such as U+017F (ſ) onto ASCII letters, letting a name the backend reads differently pass for a
 * listed one.
 */
final class UpgradeProtocols {

    static final List<String> DEFAULT = List.of("websocket");

    static final String EXPECTED = "a protocol name such as websocket, or a name and version such as websocket/13, "
            + "of letters, digits and !#$%&'*+-.^_`|~";

    /**
     * Refused in every spelling: an upgrade to clear-text HTTP/2 turns the connection into a stream of
     * requests the backend answers without the proxy reading them, past its routing and checks (a
     * known request-smuggling path).
     */
    private static final String H2C = "h2c";

    static final String H2C_REFUSED = "a protocol other than h2c; an upgrade to clear-text HTTP/2 would let "
            + "requests reach the backend past the proxy's routing and checks (request smuggling)";

    private UpgradeProtocols() {
    }

    /** What is wrong with {@code entry} as a listed protocol, as an {@code expected} text; {@code null} when nothing. */
    static String refusal(String entry) {
        if (!isProtocol(entry, 0, entry.length())) {
            return EXPECTED;
        }
        if (nameIs(entry, 0, entry.length(), H2C)) {
            return H2C_REFUSED;
        }
        return null;
    }

    /**
     * {@code entries} lower-cased, each once, in their first order.
     *
     * @throws IllegalArgumentException naming an entry that is not a protocol token, or is h2c
     */
    static List<String> normalize(List<String> entries) {
        Set<String> seen = new LinkedHashSet<>();
        for (String entry : entries) {
            String refusal = refusal(entry);
            if (refusal != null) {
                throw new IllegalArgumentException("upgrades: " + entry + " (expected: " + refusal + ")");
            }
            seen.add(entry.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(seen);
    }

    /**
     * Whether {@code offered}, one element of a request's {@code Upgrade} header (surrounding spaces
     * and tabs ignored), is the listed {@code entry}: an entry without a version matches the protocol
     * in any version or none; an entry with a version matches that version only.
     */
    static boolean matches(String entry, String offered) {
        int start = 0;
        int end = offered.length();
        while (start < end && isSpace(offered.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(offered.charAt(end - 1))) {
            end--;
        }
        if (!isProtocol(offered, start, end) || nameIs(offered, start, end, H2C)) {
            return false;
        }
        int length = end - start;
        if (length == entry.length()) {
            return equalsAscii(offered, start, entry, entry.length());
        }
        int slash = offered.indexOf('/', start);
        return slash >= 0 && slash < end && slash - start == entry.length() && entry.indexOf('/') < 0
                && equalsAscii(offered, start, entry, entry.length());
    }

    /** Whether {@code s[start, end)} is {@code token} or {@code token "/" token}. */
    private static boolean isProtocol(String s, int start, int end) {
        int slash = -1;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c == '/' && slash < 0) {
                slash = i;
            } else if (!isTchar(c)) {
                return false;
            }
        }
        return end > start && slash != start && slash != end - 1;
    }

    /** Whether the protocol name of {@code s[start, end)} (before any {@code /version}) is {@code name}. */
    private static boolean nameIs(String s, int start, int end, String name) {
        int slash = s.indexOf('/', start);
        int nameEnd = slash >= 0 && slash < end ? slash : end;
        return nameEnd - start == name.length() && equalsAscii(s, start, name, name.length());
    }

    /** {@code s[start, start + length)} against the lower-case {@code lower}, folding ASCII letters only. */
    private static boolean equalsAscii(String s, int start, String lower, int length) {
        for (int i = 0; i < length; i++) {
            char c = s.charAt(start + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 §5.6.2. */
    private static boolean isTchar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
