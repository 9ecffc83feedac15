package dev.maitre.api.config;

import java.math.BigDecimal;
import java.util.Objects;

/** Shares written as percentages in configuration: {@code 10%}, {@code 2.5%}, or a bare {@code 0}. */
public final class Percentages {

    private static final String EXPECTED = " (expected: a percentage such as 10% or 2.5%)";
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Percentages() {
    }

    /**
     * Parses a percentage into a fraction: {@code 10%} gives 0.10.
     *
     * @throws IllegalArgumentException such as {@code 10 (expected: a percentage such as 10% or 2.5%)}
     */
    public static double parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        if (s.equals("0")) {
            return 0;
        }
        if (!s.endsWith("%")) {
            throw new IllegalArgumentException(describe(text) + EXPECTED);
        }
        String number = s.substring(0, s.length() - 1);
        if (number.isEmpty() || !number.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.')) {
            throw new IllegalArgumentException(describe(text) + EXPECTED);
        }
        try {
            return new BigDecimal(number).divide(HUNDRED).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(describe(text) + EXPECTED);
        }
    }

    /** Writes a fraction as a percentage: 0.10 gives {@code 10%}, 0.025 gives {@code 2.5%}. */
    public static String format(double fraction) {
        return BigDecimal.valueOf(fraction).multiply(HUNDRED).stripTrailingZeros().toPlainString() + "%";
    }

    private static String describe(String text) {
        return text.isBlank() ? '"' + text + '"' : text;
    }
}
