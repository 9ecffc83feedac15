package dev.maitre.api.config;

import java.util.Locale;
import java.util.Objects;

/**
 * What {@code consistent_hash} hashes to choose a backend, written {@code clientIp}, {@code path},
 * {@code header:NAME} or {@code cookie:NAME} in configuration.
 *
 * @param name the header or cookie name; {@code null} for {@code clientIp} and {@code path}
 */
public record HashOn(Source source, String name) {

    /** Where the hashed value comes from. */
    public enum Source {
        /** The client's IP address, as the proxy sees it. */
        CLIENT_IP,
        /** The value of a request header; the client's IP when the request has none. */
        HEADER,
        /** The value of a cookie; the client's IP when the request has none. */
        COOKIE,
        /** The request path, without the query. */
        PATH
    }

    public static final HashOn CLIENT_IP = new HashOn(Source.CLIENT_IP, null);
    public static final HashOn PATH = new HashOn(Source.PATH, null);

    static final String EXPECTED = "clientIp, path, header:NAME or cookie:NAME";

    public HashOn {
        Objects.requireNonNull(source, "source");
        boolean named = source == Source.HEADER || source == Source.COOKIE;
        if (named != (name != null)) {
            throw new IllegalArgumentException("name: " + name + " (expected: a name only for header and cookie)");
        }
        if (named && !isToken(name)) {
            throw new IllegalArgumentException("name: " + name + " (expected: a header or cookie name)");
        }
    }

    public static HashOn header(String name) {
        return new HashOn(Source.HEADER, name);
    }

    public static HashOn cookie(String name) {
        return new HashOn(Source.COOKIE, name);
    }

    /**
     * Reads the configuration form.
     *
     * @throws IllegalArgumentException naming what was given and what is expected
     */
    public static HashOn parse(String text) {
        if (text.equals("clientIp")) {
            return CLIENT_IP;
        }
        if (text.equals("path")) {
            return PATH;
        }
        int colon = text.indexOf(':');
        String prefix = colon < 0 ? text : text.substring(0, colon);
        String name = colon < 0 ? "" : text.substring(colon + 1);
        if ((prefix.equals("header") || prefix.equals("cookie")) && isToken(name)) {
            return prefix.equals("header") ? header(name) : cookie(name);
        }
        throw new IllegalArgumentException(text + " (expected: " + EXPECTED + ")");
    }

    /** An RFC 9110 token: what header field names and cookie names are made of. */
    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The configuration form, such as {@code header:x-user}. */
    @Override
    public String toString() {
        return switch (source) {
            case CLIENT_IP -> "clientIp";
            case PATH -> "path";
            default -> source.name().toLowerCase(Locale.ROOT) + ":" + name;
        };
    }
}
