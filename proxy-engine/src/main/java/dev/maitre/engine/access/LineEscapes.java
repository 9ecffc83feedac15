package dev.maitre.engine.access;

import java.nio.charset.StandardCharsets;

/**
 * Escapes for text the client chose (the request target, its fields): whatever it holds, a field
 * stays one field of one line.
 */
final class LineEscapes {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LineEscapes() {
    }

    /** The request line's three parts, escaped for a quoted field: {@code GET /api HTTP/1.1}. */
    static void requestLine(AccessRecord record, StringBuilder line) {
        nginx(record.method(), line);
        line.append(' ');
        nginx(record.target(), line);
        line.append(' ').append(record.protocol());
    }

    /**
     * As nginx escapes a logged variable: {@code "}, {@code \} and every byte outside printable ASCII
     * as {@code \xHH}. Text decoded from the wire holds one byte per char; a char beyond that is
     * written as its UTF-8 bytes.
     */
    static void nginx(String text, StringBuilder line) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                line.append(c);
            } else if (c <= 0xff) {
                hexByte(c, line);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    hexByte(b & 0xff, line);
                }
                i = end - 1;
            }
        }
    }

    /**
     * The contents of a JSON string: {@code "} and {@code \} escaped, control characters by their
     * short escapes or {@code \}{@code u00HH}, and everything outside ASCII as {@code \}{@code uHHHH}, so
     * the line is ASCII whatever the bytes were.
     */
    static void json(String text, StringBuilder line) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                case '\b' -> line.append("\\b");
                case '\f' -> line.append("\\f");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        line.append(c);
                    } else {
                        line.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    }
                }
            }
        }
    }

    private static void hexByte(int b, StringBuilder line) {
        line.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
    }
}
