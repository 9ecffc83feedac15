package dev.maitre.server.admin;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of an admin request as decoded segments, so that a backend address such as
 * {@code [::1]:8080} may be sent percent-encoded. Empty segments are dropped: {@code /api/clusters/}
 * is {@code /api/clusters}.
 *
 * @param text the path as sent, for messages
 */
record AdminPath(String text, List<String> segments) {

    AdminPath {
        segments = List.copyOf(segments);
    }

    /** The path of request target {@code uri}; the query is ignored. */
    static AdminPath of(String uri) {
        String raw = new QueryStringDecoder(uri).rawPath();
        List<String> segments = new ArrayList<>();
        for (String segment : raw.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(QueryStringDecoder.decodeComponent(segment));
            }
        }
        return new AdminPath(raw, segments);
    }

    /**
     * Whether the path has as many segments as {@code pattern} and each equals its counterpart;
     * {@code *} in the pattern matches any one segment.
     */
    boolean matches(String... pattern) {
        if (segments.size() != pattern.length) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (!pattern[i].equals("*") && !pattern[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    String segment(int index) {
        return segments.get(index);
    }
}
