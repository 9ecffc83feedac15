package dev.maitre.api.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The errors found in one configuration, collected so that a user sees all of them at once. Each
 * error gets the line of its key, or of the nearest enclosing key whose line is known (a missing key
 * is reported at the line of the mapping that lacks it).
 */
final class ConfigErrors {

    private final ToIntFunction<String> lineOf;
    private final List<ConfigError> errors = new ArrayList<>();

    ConfigErrors(ToIntFunction<String> lineOf) {
        this.lineOf = lineOf;
    }

    void add(String path, String message) {
        errors.add(new ConfigError(path, lineNear(path), message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws the errors found so far, in the order of their lines, if there is any. */
    void throwIfAny() throws ConfigException {
        if (!errors.isEmpty()) {
            List<ConfigError> sorted = new ArrayList<>(errors);
            sorted.sort(Comparator.comparingInt(ConfigError::line));
            throw new ConfigException(sorted);
        }
    }

    private int lineNear(String path) {
        for (String p = path; ; p = parent(p)) {
            int line = lineOf.applyAsInt(p);
            if (line > 0 || p.isEmpty()) {
                return Math.max(line, 0);
            }
        }
    }

    /** {@code clusters[1].timeouts} for {@code clusters[1].timeouts.connect}, {@code clusters} for {@code clusters[1]}. */
    static String parent(String path) {
        int cut = path.endsWith("]") ? path.lastIndexOf('[') : path.lastIndexOf('.');
        return cut > 0 ? path.substring(0, cut) : "";
    }
}
