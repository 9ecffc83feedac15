package dev.maitre.engine.route;

/**
 * The form in which request paths and route prefixes are compared: percent-encoded unreserved
 * characters decoded and the hex digits of the other encodings in upper case (RFC 3986 §6.2.2.1 and
 * §6.2.2.2), so that {@code /%61pi} meets {@code /api} as every backend would read it. Encodings of
 * reserved characters ({@code %2F}, {@code %3B}, {@code %25}) stay encoded: they are not separators.
 */
public final class RoutingPath {

    private RoutingPath() {
    }

    /** {@code path} in comparable form; the same instance when it holds no {@code %}. */
    public static String of(String path) {
        int percent = path.indexOf('%');
        if (percent < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        out.append(path, 0, percent);
        for (int i = percent; i < path.length(); i++) {
            char c = path.charAt(i);
            int high = c == '%' && i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
            if (low < 0) {
                out.append(c);
                continue;
            }
            char decoded = (char) (high * 16 + low);
            if (isUnreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
