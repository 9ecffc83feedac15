package dev.maitre.engine.access;

/** Durations as the access log writes them: three decimals, without the cost of a general number format. */
final class Decimals {

    private Decimals() {
    }

    /** {@code nanos} as milliseconds with three decimals: {@code 3.217}. */
    static void millis(long nanos, StringBuilder line) {
        thousandths(Math.max(0, nanos) / 1_000, line);
    }

    /** {@code nanos} as seconds with three decimals, as nginx writes {@code $request_time}: {@code 0.003}. */
    static void seconds(long nanos, StringBuilder line) {
        thousandths(Math.max(0, nanos) / 1_000_000, line);
    }

    private static void thousandths(long value, StringBuilder line) {
        line.append(value / 1000).append('.');
        pad3((int) (value % 1000), line);
    }

    static void pad3(int value, StringBuilder line) {
        if (value < 100) {
            line.append('0');
        }
        if (value < 10) {
            line.append('0');
        }
        line.append(value);
    }
}
