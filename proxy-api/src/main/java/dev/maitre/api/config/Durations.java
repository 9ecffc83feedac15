package dev.maitre.api.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Durations as written in configuration: a number and a unit ({@code 500ms}, {@code 10s},
 * {@code 1m}, {@code 1h}, {@code 1.5s}), several of them from the largest unit down ({@code 1m30s}),
 * or a bare {@code 0}.
 */
public final class Durations {

    private static final String EXPECTED = " (expected: a duration such as 500ms, 10s or 1m)";

    private static final String[] UNITS = {"h", "m", "s", "ms"};
    private static final long[] NANOS_PER_UNIT = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException such as {@code 15x (expected: a duration such as 500ms, 10s or 1m)}
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException('"' + text + '"' + EXPECTED);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int previousUnit = -1;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            int unit = unitIndex(s.substring(unitStart, i));
            if (unitStart == numberStart || unit <= previousUnit) {
                throw new IllegalArgumentException(text + EXPECTED);
            }
            BigDecimal amount;
            try {
                amount = new BigDecimal(s.substring(numberStart, unitStart));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(text + EXPECTED);
            }
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(NANOS_PER_UNIT[unit])));
            previousUnit = unit;
        }
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(text + EXPECTED);
        }
    }

    /**
     * Writes {@code duration} the way it would be configured: {@code 10s}, {@code 1m30s}, {@code 1h},
     * {@code 1500ms}, {@code 0s}; a part finer than a millisecond is written as a decimal, {@code 0.25ms}.
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getNano() % 1_000_000 != 0) {
            BigDecimal millis = new BigDecimal(duration.getSeconds()).multiply(BigDecimal.valueOf(1000))
                    .add(BigDecimal.valueOf(duration.getNano(), 6));
            return millis.stripTrailingZeros().toPlainString() + "ms";
        }
        if (duration.getNano() != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.getSeconds();
        StringBuilder out = new StringBuilder();
        appendPart(out, seconds / 3600, "h");
        appendPart(out, seconds % 3600 / 60, "m");
        appendPart(out, seconds % 60, "s");
        return out.toString();
    }

    private static void appendPart(StringBuilder out, long amount, String unit) {
        if (amount != 0) {
            out.append(amount).append(unit);
        }
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        return -1;
    }
}
