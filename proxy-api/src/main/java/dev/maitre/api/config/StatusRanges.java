package dev.maitre.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of HTTP status codes written as ranges and single codes: {@code 200-399}, {@code 200,204},
 * {@code 200-299,404}.
 */
public final class StatusRanges {

    private final int[] lows;
    private final int[] highs;
    private final String text;

    private StatusRanges(int[] lows, int[] highs, String text) {
        this.lows = lows;
        this.highs = highs;
        this.text = text;
    }

    /**
     * Parses a list of codes and ranges.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static StatusRanges parse(String text) {
        String expected = " (expected: status codes or ranges of 100-599, such as 200-399 or 200,204)";
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int low;
            int high;
            try {
                if (dash < 0) {
                    low = high = Integer.parseInt(p);
                } else {
                    low = Integer.parseInt(p.substring(0, dash).trim());
                    high = Integer.parseInt(p.substring(dash + 1).trim());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(text + expected);
            }
            if (low < 100 || high > 599 || low > high) {
                throw new IllegalArgumentException(text + expected);
            }
            ranges.add(new int[] {low, high});
        }
        int[] lows = new int[ranges.size()];
        int[] highs = new int[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            lows[i] = ranges.get(i)[0];
            highs[i] = ranges.get(i)[1];
        }
        return new StatusRanges(lows, highs, text.trim());
    }

    public boolean contains(int status) {
        for (int i = 0; i < lows.length; i++) {
            if (status >= lows[i] && status <= highs[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusRanges other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
