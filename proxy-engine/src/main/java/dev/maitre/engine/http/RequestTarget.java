package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * A request's target split into what routing and forwarding need: the origin-form path sent to the
 * backend, and the authority from an absolute-form target, which replaces the Host header (RFC 9112
 * §3.2.2).
 *
 * @param originForm what is sent to the backend as the request target ({@code /path?query} or {@code *})
 * @param path the path alone, normalized for routing: dot segments removed (also when written as
 *     {@code %2e}) and repeated slashes merged, so that {@code /public/../admin} is routed as the
 *     {@code /admin} a backend will take it for; the target sent to the backend is not changed
 * @param authority the host from an absolute-form target, or {@code null}
 */
record RequestTarget(String originForm, String path, String authority) {

    /** The parsed target, or {@code null} when it is not a valid request-target. */
    static RequestTarget parse(HttpRequest request) {
        String uri = request.uri();
        if (uri.isEmpty()) {
            return null;
        }
        if (uri.charAt(0) == '/') {
            return isPathAndQuery(uri) ? new RequestTarget(uri, pathOf(uri), null) : null;
        }
        if (uri.equals("*")) {
            return request.method().equals(HttpMethod.OPTIONS) ? new RequestTarget(uri, "*", null) : null;
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
            rest = request.method().equals(HttpMethod.OPTIONS) ? "*" : "/";
        } else {
            rest = uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
            if (!isPathAndQuery(rest)) {
                return null;
            }
        }
        return new RequestTarget(rest, pathOf(rest), authority);
    }

    /** The Host the client asked for: the absolute-form authority, else the Host header, else null. */
    String host(HttpRequest request) {
        return authority != null ? authority : request.headers().get(HttpHeaderNames.HOST);
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

    private static String pathOf(String originForm) {
        int q = originForm.indexOf('?');
        String raw = q < 0 ? originForm : originForm.substring(0, q);
        return raw.indexOf('.') < 0 && raw.indexOf('%') < 0 && raw.indexOf("//") < 0 ? raw : normalize(raw);
    }

    /** RFC 3986 §5.2.4 remove_dot_segments, after decoding {@code %2e} and merging repeated slashes. */
    static String normalize(String path) {
        String p = path.replace("%2e", ".").replace("%2E", ".");
        String[] segments = p.split("/", -1);
        ArrayDeque<String> out = new ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean lastSegment = i == segments.length - 1;
            if (segment.equals("..")) {
                out.pollLast();
                if (lastSegment) {
                    out.addLast("");
                }
            } else if (segment.equals(".")) {
                if (lastSegment) {
                    out.addLast("");
                }
            } else if (!segment.isEmpty() || lastSegment) {
                out.addLast(segment);
            }
        }
        return "/" + String.join("/", out);
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
