package dev.maitre.api.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Sizes in bytes as written in configuration: a number and a binary unit ({@code 512B},
 * {@code 16KiB}, {@code 1MiB}, {@code 1GiB}, {@code 1.5MiB}), or a plain integer counting bytes.
 */
public final class Sizes {

    private static final String EXPECTED = " (expected: a size such as 512B, 16KiB or 1MiB)";

    private static final String[] UNITS = {"TiB", "GiB", "MiB", "KiB", "B"};
    private static final long[] BYTES_PER_UNIT = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L};

    private Sizes() {
    }

    /**
     * Parses a size into bytes.
     *
     * @throws IllegalArgumentException such as {@code 16KB (expected: a size such as 512B, 16KiB or 1MiB)}
     */
    public static long parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int unitStart = 0;
        while (unitStart < s.length() && (Character.isDigit(s.charAt(unitStart)) || s.charAt(unitStart) == '.')) {
            unitStart++;
        }
        String number = s.substring(0, unitStart);
        String unit = s.substring(unitStart);
        long multiplier = unit.isEmpty() ? 1 : bytesPer(unit);
        if (number.isEmpty() || multiplier < 0 || unit.isEmpty() && number.indexOf('.') >= 0) {
            throw new IllegalArgumentException(describe(text) + EXPECTED);
        }
        try {
            return new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier)).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(describe(text) + EXPECTED);
        }
    }

    /** Writes {@code bytes} with the largest unit that divides it: {@code 16KiB}, {@code 1MiB}, {@code 1000B}. */
    public static String format(long bytes) {
        if (bytes != 0) {
            for (int i = 0; i < UNITS.length; i++) {
                if (bytes % BYTES_PER_UNIT[i] == 0) {
                    return bytes / BYTES_PER_UNIT[i] + UNITS[i];
                }
            }
        }
        return bytes + "B";
    }

    private static long bytesPer(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return BYTES_PER_UNIT[i];
            }
        }
        return -1;
    }

    private static String describe(String text) {
        return text.isBlank() ? '"' + text + '"' : text;
    }
}
