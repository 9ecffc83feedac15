package dev.maitre.engine.http1;

/** The byte classes of HTTP/1.1 (RFC 9110 §5.6.2, RFC 9112 §5). */
final class Ascii {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Ascii() {
    }

    /** A character of a token: a field name, a transfer coding. */
    static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }

    /** A byte a field value may hold: visible, obs-text, space or tab; no other control. */
    static boolean isFieldValueByte(byte b) {
        int c = b & 0xff;
        return c >= 0x20 ? c != 0x7f : c == '\t';
    }

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}
