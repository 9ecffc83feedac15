package dev.maitre.chaos.report;

/** One figure of a scenario that has an expected value: client errors, requests to a dead backend, leaks... */
public record Check(String name, String expected, String actual, boolean passed) {

    public static Check count(String name, long expected, long actual) {
        return new Check(name, Long.toString(expected), Long.toString(actual), expected == actual);
    }

    public static Check atMost(String name, long limit, long actual, String unit) {
        return new Check(name, "≤ " + limit + unit, actual + unit, actual <= limit);
    }
}
