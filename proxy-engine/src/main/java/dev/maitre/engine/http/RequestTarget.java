package dev.maitre.engine.http;

import dev.maitre.engine.route.RoutingPath;
import java.util.Locale;

/**
 * A request's target split into what routing and forwarding need: the origin-form target sent to the
 * backend, the path routes match, and the authority from an absolute-form target, which replaces the
 * Host header (RFC 9112 §3.2.2). The path rules are {@link RequestPath}'s.
 *
 * @param originForm what is sent to the backend as the request target ({@code /path?query} or
 *     {@code *}): the target as sent, except that a path with dot segments or repeated slashes is sent
 *     resolved ({@code /public/../admin?q} goes on as {@code /admin?q})
 * @param path the path routes match: the resolved path with percent-encoded unreserved characters
 *     decoded, without the query
 * @param authority the host from an absolute-form target, or {@code null}
 */
record RequestTarget(String originForm, String path, String authority) {

    /** What {@link #parse} gives for a valid target whose path {@link RequestPath} refuses. */
    static final RequestTarget AMBIGUOUS_PATH = new RequestTarget("", "", null);

    /**
     * The parsed target; {@code null} when it is not a valid request-target, {@link #AMBIGUOUS_PATH}
     * when its path is one {@link RequestPath} refuses.
     */
    static RequestTarget parse(String uri, boolean options) {
        if (uri.isEmpty()) {
            return null;
        }
        if (uri.charAt(0) == '/') {
            return isPathAndQuery(uri) ? originForm(uri, null) : null;
        }
        if (uri.equals("*")) {
            return options ? new RequestTarget(uri, "*", null) : null;
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return null;
        }
        int end = schemeEnd;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        String authority = uri.substring(schemeEnd, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !RequestValidator.isValidHost(authority)) {
            return null;
        }
        String rest;
        if (end == uri.length()) {
            // RFC 9112 §3.2.4: an OPTIONS about the whole server goes on as "*", other methods ask for "/".
            rest = options ? "*" : "/";
        } else {
            rest = uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
            if (!isPathAndQuery(rest)) {
                return null;
            }
        }
        return rest.equals("*") ? new RequestTarget(rest, rest, authority) : originForm(rest, authority);
    }

    private static RequestTarget originForm(String target, String authority) {
        int query = target.indexOf('?');
        int end = query < 0 ? target.length() : query;
        String path = RequestPath.resolve(target, end);
        if (path == null) {
            return AMBIGUOUS_PATH;
        }
        // Resolving only ever shortens a path: the same length means the target goes on untouched.
        String sent = path.length() == end ? target : query < 0 ? path : path + target.substring(query);
        return new RequestTarget(sent, RoutingPath.of(path), authority);
    }

    /** The Host the client asked for: the absolute-form authority, else the Host header, else null. */
    String host(ClientRequest request) {
        return authority != null ? authority : request.host();
    }

    /** The host name for routing: lower case, without port; {@code null} when there is none. */
    static String routingHost(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host;
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            h = h.substring(0, close + 1);
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    /**
     * Only what RFC 3986 allows in a path and query: unreserved and sub-delims characters, {@code :@/?}
     * and well-formed percent-encodings. Anything else (controls, spaces, non-ASCII, a fragment,
     * {@code \ " < > [ ] ^ ` { | }}) makes the request-line invalid, and RFC 9112 §3.2 advises against
     * passing on what another hop may read differently.
     */
    private static boolean isPathAndQuery(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%') {
                if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                        || Character.digit(target.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
