package dev.maitre.server.history;

import java.util.Arrays;

/**
 * The latest {@code capacity} values of one series, in a fixed array: adding to a full ring drops
 * the oldest value. {@link Double#NaN} stands for "no value" (no traffic, not yet known).
 * Not thread-safe: its owner guards it.
 */
final class Ring {

    private final double[] values;
    /** Where the next value goes. */
    private int next;
    private int size;

    Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        values = new double[capacity];
    }

    void add(double value) {
        values[next] = value;
        next = (next + 1) % values.length;
        size = Math.min(size + 1, values.length);
    }

    /** Adds "no value" until the ring holds {@code count} values, so that it lines up with another. */
    void padTo(int count) {
        while (size < Math.min(count, values.length)) {
            add(Double.NaN);
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return values.length;
    }

    /** The values held, oldest first. */
    double[] values() {
        double[] ordered = new double[size];
        int oldest = (next - size + values.length) % values.length;
        for (int i = 0; i < size; i++) {
            ordered[i] = values[(oldest + i) % values.length];
        }
        return ordered;
    }

    @Override
    public String toString() {
        return Arrays.toString(values());
    }
}
