package dev.maitre.chaos.timing;

/** A span of milliseconds after an instant, inclusive: when something is expected to happen. */
public record Window(long fromMillis, long toMillis) {

    public Window {
        if (toMillis < fromMillis) {
            throw new IllegalArgumentException("window: " + fromMillis + "–" + toMillis + " ms (expected: from ≤ to)");
        }
    }

    public String describe() {
        return String.format("%.2f–%.2f s", fromMillis / 1000.0, toMillis / 1000.0);
    }
}
