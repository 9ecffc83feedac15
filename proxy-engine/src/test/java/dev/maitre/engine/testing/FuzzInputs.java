package dev.maitre.engine.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** What the fuzz tests do with an input besides feeding it: cut it into reads, and print it. */
public final class FuzzInputs {

    private FuzzInputs() {
    }

    /**
     * Piece lengths for {@code input}, from 1 to {@code longest} bytes, drawn from the input's own
     * hash, so a finding replays the same cuts.
     */
    public static int[] cuts(byte[] input, int longest) {
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
        List<Integer> cuts = new ArrayList<>();
        int left = input.length;
        while (left > 0) {
            int cut = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 8 : longest));
            cuts.add(cut);
            left -= cut;
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code bytes} as a quoted Java-like string, control and non-ASCII bytes escaped. */
    public static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '"' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c < 0x20 || c >= 0x7f) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.append('"').toString();
    }
}
