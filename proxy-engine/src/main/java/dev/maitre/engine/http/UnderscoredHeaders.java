package dev.maitre.engine.http;

import dev.maitre.engine.http1.HeadFields;
import io.netty.util.AsciiString;

/**
 * Drops request headers whose names hold {@code _}, as nginx does by default: CGI, WSGI, PHP and many
 * frameworks turn both {@code X_Forwarded_For} and {@code X-Forwarded-For} into
 * {@code HTTP_X_FORWARDED_FOR}, so an underscored name can pass for a header the proxy sets. When a
 * listener allows underscores, only the underscored spellings of the forwarding headers are dropped.
 */
final class UnderscoredHeaders {

    private UnderscoredHeaders() {
    }

    /** Whether field {@code i} of {@code head} is dropped: an underscored name {@code allowUnderscores} does not let through. */
    static boolean dropped(HeadFields head, int i, boolean allowUnderscores) {
        int from = head.nameStart(i);
        int to = head.nameEnd(i);
        boolean underscored = false;
        for (int k = from; k < to && !underscored; k++) {
            underscored = head.byteAt(k) == '_';
        }
        return underscored && (!allowUnderscores || spellsForwardingHeader(head, from, to));
    }

    /** Whether the name in {@code [from, to)}, with {@code _} read as {@code -}, is one of {@link ForwardingHeaders#NAMES}. */
    private static boolean spellsForwardingHeader(HeadFields head, int from, int to) {
        for (AsciiString forwarding : ForwardingHeaders.NAMES) {
            if (sameIgnoringUnderscores(head, from, to, forwarding)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether field {@code i}'s name, case ignored and {@code _} read as {@code -}, is
     * {@code lowerCase} (lower-cased, with {@code -} for any {@code _}): how CGI-style backends see it.
     */
    static boolean spells(HeadFields head, int i, AsciiString lowerCase) {
        return sameIgnoringUnderscores(head, head.nameStart(i), head.nameEnd(i), lowerCase);
    }

    private static boolean sameIgnoringUnderscores(HeadFields head, int from, int to, AsciiString lowerCase) {
        if (to - from != lowerCase.length()) {
            return false;
        }
        for (int k = 0; k < lowerCase.length(); k++) {
            byte c = head.byteAt(from + k);
            if (c == '_') {
                c = '-';
            } else if (c >= 'A' && c <= 'Z') {
                c = (byte) (c + ('a' - 'A'));
            }
            if (c != lowerCase.byteAt(k)) {
                return false;
            }
        }
        return true;
    }
}
