package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Drops request headers whose names hold {@code _}, as nginx does by default: CGI, WSGI, PHP and many
 * frameworks turn both {@code X_Forwarded_For} and {@code X-Forwarded-For} into
 * {@code HTTP_X_FORWARDED_FOR}, so an underscored name can pass for a header the proxy sets. When a
 * listener allows underscores, only the underscored spellings of the forwarding headers are dropped.
 */
final class UnderscoredHeaders {

    private UnderscoredHeaders() {
    }

    /** Removes from {@code headers} the underscored names that {@code allowUnderscores} does not let through. */
    static void strip(HttpHeaders headers, boolean allowUnderscores) {
        List<CharSequence> doomed = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (hasUnderscore(name) && (!allowUnderscores || spellsForwardingHeader(name))) {
                if (doomed == null) {
                    doomed = new ArrayList<>(2);
                }
                doomed.add(name);
            }
        }
        if (doomed != null) {
            for (CharSequence name : doomed) {
                headers.remove(name);
            }
        }
    }

    private static boolean hasUnderscore(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name}, with {@code _} read as {@code -}, is one of {@link ForwardingHeaders#NAMES}. */
    private static boolean spellsForwardingHeader(CharSequence name) {
        for (AsciiString forwarding : ForwardingHeaders.NAMES) {
            if (sameIgnoringUnderscores(name, forwarding)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameIgnoringUnderscores(CharSequence name, AsciiString lowerCase) {
        if (name.length() != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char expected = (char) lowerCase.byteAt(i);
            if (c == '_') {
                c = '-';
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != expected) {
                return false;
            }
        }
        return true;
    }
}
