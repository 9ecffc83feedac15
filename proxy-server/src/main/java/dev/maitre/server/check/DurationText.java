package dev.maitre.server.check;

import java.math.BigDecimal;
import java.time.Duration;

/** Writes durations and shares the way the configuration file does: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 10%}. */
public final class DurationText {

    private DurationText() {
    }

    public static String of(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    public static String percent(double share) {
        return BigDecimal.valueOf(share).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }
}
