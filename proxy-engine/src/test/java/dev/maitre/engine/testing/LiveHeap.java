package dev.maitre.engine.testing;

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
public record LiveHeap(Map<String, Long> bytesByClass) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

    public static LiveHeap take() {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("no class histogram from this JVM: " + e, e);
        }
        Map<String, Long> classes = new HashMap<>();
        Matcher row = ROW.matcher(histogram);
        while (row.find()) {
            // A class loaded by two loaders has two rows: counted as one.
            classes.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("unreadable class histogram: "
                    + histogram.substring(0, Math.min(200, histogram.length())));
        }
        return new LiveHeap(classes);
    }

    public long bytes() {
        return bytesByClass.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What {@code later} holds beyond this, class by class (negative where it holds less). */
    public Map<String, Long> growthTo(LiveHeap later) {
        Map<String, Long> growth = new HashMap<>(later.bytesByClass);
        bytesByClass.forEach((name, bytes) -> growth.merge(name, -bytes, Long::sum));
        growth.values().removeIf(bytes -> bytes == 0);
        return growth;
    }
}
