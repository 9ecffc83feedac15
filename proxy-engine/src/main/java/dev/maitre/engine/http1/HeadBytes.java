package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.CharsetUtil;

/** Reading small parts of a head in place: whitespace, numbers and names compared without a string. */
final class HeadBytes {

    private HeadBytes() {
    }

    /** The number {@code [from, to)} holds, only digits and within a long; -1 when it is not one. */
    static long digits(ByteBuf in, int from, int to) {
        if (from == to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (!isDigit(b) || value > (Long.MAX_VALUE - (b - '0')) / 10) {
                return -1;
            }
            value = value * 10 + b - '0';
        }
        return value;
    }

    static boolean isExactly(ByteBuf in, int from, int to, byte[] bytes) {
        if (to - from != bytes.length) {
            return false;
        }
        for (int k = 0; k < bytes.length; k++) {
            if (in.getByte(from + k) != bytes[k]) {
                return false;
            }
        }
        return true;
    }

    static int skipOws(ByteBuf in, int from, int to) {
        while (from < to && isOws(in.getByte(from))) {
            from++;
        }
        return from;
    }

    static int trimOws(ByteBuf in, int from, int to) {
        while (to > from && isOws(in.getByte(to - 1))) {
            to--;
        }
        return to;
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    static boolean is(ByteBuf in, int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int k = 0; k < lowerCase.length; k++) {
            if (Ascii.lower(in.getByte(from + k)) != lowerCase[k]) {
                return false;
            }
        }
        return true;
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(CharsetUtil.US_ASCII);
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
