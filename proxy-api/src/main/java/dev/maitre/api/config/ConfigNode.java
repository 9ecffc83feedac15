package dev.maitre.api.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One value of the configuration tree with its path ({@code clusters[0].timeouts.connect}). Reads
 * the value as the type its key expects; what does not fit is reported to {@link ConfigErrors} and
 * the key's default is returned instead, so binding goes on and every problem of a file is found in
 * one pass.
 *
 * <p>A key that is absent gets its default; a key written with no value ({@code weight:}) is an error.
 */
final class ConfigNode {

    private static final Object ABSENT = new Object();

    private final String path;
    private final Object value;
    private final ConfigErrors errors;

    private ConfigNode(String path, Object value, ConfigErrors errors) {
        this.path = path;
        this.value = value;
        this.errors = errors;
    }

    static ConfigNode root(Object value, ConfigErrors errors) {
        return new ConfigNode("", value, errors);
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return value != ABSENT;
    }

    /** Whether the value is the boolean {@code false} (as YAML 1.1 reads {@code off} and {@code no}). */
    boolean isFalse() {
        return Boolean.FALSE.equals(value);
    }

    /** The value of {@code key} of this mapping; absent when this is not a mapping or lacks the key. */
    ConfigNode get(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (value instanceof Map<?, ?> map && map.containsKey(key)) {
            return new ConfigNode(childPath, map.get(key), errors);
        }
        return new ConfigNode(childPath, ABSENT, errors);
    }

    /**
     * Whether this is a mapping to bind: reports a value of another type and every key not in
     * {@code keys}; returns false when absent or not a mapping.
     */
    boolean isMapping(List<String> keys) {
        if (!isPresent()) {
            return false;
        }
        if (!(value instanceof Map<?, ?> map)) {
            reject("a mapping");
            return false;
        }
        for (Object key : map.keySet()) {
            if (!keys.contains(String.valueOf(key))) {
                get(String.valueOf(key)).error("unknown key (expected one of: " + String.join(", ", keys) + ")");
            }
        }
        return true;
    }

    /** The elements of this list; none when absent or not a list (reported). */
    List<ConfigNode> elements() {
        if (!isPresent()) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            reject("a list");
            return List.of();
        }
        List<ConfigNode> nodes = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            nodes.add(new ConfigNode(path + "[" + i + "]", list.get(i), errors));
        }
        return nodes;
    }

    /** The elements of a list that must have some, such as {@code at least one backend}. */
    List<ConfigNode> nonEmptyElements(String expected) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            reject(value instanceof List<?> || !isPresent() ? expected : "a list with " + expected);
            return List.of();
        }
        return elements();
    }

    /** Reports {@code missing (expected: ...)} when absent; returns this node. */
    ConfigNode required(String expected) {
        if (!isPresent()) {
            reject(expected);
        }
        return this;
    }

    /** A string (a number is taken as its text), or {@code null} when absent or of another type. */
    String text(String expected) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (isPresent()) {
            reject(expected);
        }
        return null;
    }

    int integer(int defaultValue, int min, int max) {
        if (!isPresent()) {
            return defaultValue;
        }
        Long n = integralValue();
        if (n == null) {
            reject("an integer");
            return defaultValue;
        }
        if (n < min || n > max) {
            reject(max == Integer.MAX_VALUE ? ">= " + min : min + "-" + max);
            return defaultValue;
        }
        return n.intValue();
    }

    boolean bool(boolean defaultValue) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (isPresent()) {
            reject("true or false");
        }
        return defaultValue;
    }

    /** A duration of zero or more. */
    Duration duration(Duration defaultValue) {
        return duration(defaultValue, false);
    }

    /** A duration of more than zero, as every timeout is. */
    Duration positiveDuration(Duration defaultValue) {
        return duration(defaultValue, true);
    }

    private Duration duration(Duration defaultValue, boolean positive) {
        Duration d = parsed(defaultValue, "a duration such as 500ms, 10s or 1m", Durations::parse);
        if (positive && d != null && d.isZero()) {
            reject("> 0");
            return defaultValue;
        }
        return d;
    }

    /** A size of at least one byte and at most {@code max} bytes. */
    long size(long defaultValue, long max) {
        long bytes = parsed(defaultValue, "a size such as 512B, 16KiB or 1MiB", Sizes::parse);
        if (bytes <= 0) {
            reject("> 0");
            return defaultValue;
        }
        if (bytes > max) {
            reject("at most " + Sizes.format(max));
            return defaultValue;
        }
        return bytes;
    }

    /**
     * A size from {@code min} to {@code max} bytes, zero allowed. The bounds are written in bytes, as
     * the protocol settings they guard are specified: {@code 1000 (expected: 16384..16777215)}.
     */
    long sizeWithin(long defaultValue, long min, long max) {
        long bytes = parsed(defaultValue, "a size such as 512B, 16KiB or 1MiB", Sizes::parse);
        if (bytes < min || bytes > max) {
            reject(min + ".." + max);
            return defaultValue;
        }
        return bytes;
    }

    /** A percentage from 0% to {@code max}, as a fraction. */
    double percentage(double defaultValue, double max) {
        double fraction = parsed(defaultValue, "a percentage such as 10% or 2.5%", Percentages::parse);
        if (fraction > max) {
            reject("0%-" + Percentages.format(max));
            return defaultValue;
        }
        return fraction;
    }

    /** One of the names in {@code choices}, which are listed to the user in their order. */
    <E> E choice(E defaultValue, Map<String, E> choices) {
        if (!isPresent()) {
            return defaultValue;
        }
        E chosen = value instanceof String s ? choices.get(s) : null;
        if (chosen == null) {
            reject(oneOf(choices));
            return defaultValue;
        }
        return chosen;
    }

    /**
     * The value's text read by {@code parser}, whose {@link IllegalArgumentException} message (such as
     * {@code 15x (expected: a duration ...)}) becomes the error.
     */
    <T> T parsed(T defaultValue, String expected, Function<String, T> parser) {
        if (!isPresent()) {
            return defaultValue;
        }
        if (!(value instanceof String || value instanceof Number) || String.valueOf(value).isBlank()) {
            reject(expected);
            return defaultValue;
        }
        try {
            return parser.apply(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return defaultValue;
        }
    }

    /** Reports the value as given, and what was expected: {@code 0s (expected: > 0)}. */
    void reject(String expected) {
        error(given() + " (expected: " + expected + ")");
    }

    void error(String message) {
        errors.add(path, message);
    }

    /** The value as shown in messages. */
    String given() {
        if (value == ABSENT) {
            return "missing";
        }
        if (value == null) {
            return "no value";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "empty" : "a list";
        }
        String text = String.valueOf(value);
        return text.isBlank() ? '"' + text + '"' : text;
    }

    private Long integralValue() {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : Long.MAX_VALUE;
        }
        return null;
    }

    private static String oneOf(Map<String, ?> choices) {
        List<String> names = new ArrayList<>(choices.keySet());
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
