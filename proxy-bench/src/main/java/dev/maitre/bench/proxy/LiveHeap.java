package dev.maitre.bench.proxy;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What the live heap of this JVM holds, class by class: the histogram {@code jcmd PID
 * GC.class_histogram} prints, taken in-process through the same diagnostic command, which runs a
 * full collection first so that only reachable objects are counted.
 */
record LiveHeap(Map<String, Usage> classes) {

    /** Instances of one class and their bytes (shallow sizes, headers and padding included). */
    record Usage(long instances, long bytes) {
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    static LiveHeap take() {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("no class histogram from this JVM: " + e, e);
        }
        Map<String, Usage> classes = new HashMap<>();
        Matcher row = ROW.matcher(histogram);
        while (row.find()) {
            // A class loaded by two loaders has two rows: counted as one.
            classes.merge(row.group(3), new Usage(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                    (a, b) -> new Usage(a.instances + b.instances, a.bytes + b.bytes));
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("unreadable class histogram: "
                    + histogram.substring(0, Math.min(200, histogram.length())));
        }
        return new LiveHeap(classes);
    }

    long bytes() {
        return classes.values().stream().mapToLong(Usage::bytes).sum();
    }

    /** What {@code later} holds beyond this, class by class (negative where it holds less). */
    Map<String, Usage> growthTo(LiveHeap later) {
        Map<String, Usage> growth = new HashMap<>();
        later.classes.forEach((name, usage) -> growth.put(name, usage));
        classes.forEach((name, usage) -> growth.merge(name, new Usage(-usage.instances, -usage.bytes),
                (a, b) -> new Usage(a.instances + b.instances, a.bytes + b.bytes)));
        growth.values().removeIf(u -> u.instances == 0 && u.bytes == 0);
        return growth;
    }
}
