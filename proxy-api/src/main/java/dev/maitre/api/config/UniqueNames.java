package dev.maitre.api.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names given to listeners, or to clusters: each must be usable in an admin API path and a
 * metric label, and used only once.
 */
final class UniqueNames {

    static final String EXPECTED = "a name such as api or web-1, of letters, digits, '.', '_' and '-'";

    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Map<String, String> pathByName = new LinkedHashMap<>();
    private boolean complete = true;

    /**
     * The name at {@code node}, or {@code null} when it is missing, malformed or taken (reported).
     * A malformed name is still remembered, so that references to it do not add further errors.
     */
    String bind(ConfigNode node) {
        String name = node.required(EXPECTED).text(EXPECTED);
        if (name == null) {
            complete = false;
            return null;
        }
        String owner = ConfigErrors.parent(node.path());
        String firstOwner = pathByName.putIfAbsent(name, owner);
        if (!FORM.matcher(name).matches()) {
            node.reject(EXPECTED);
            return null;
        }
        if (firstOwner != null) {
            node.reject("a name of its own; " + firstOwner + " is also named " + name);
            return null;
        }
        return name;
    }

    /** Whether every owner had a name; if not, a reference to an unknown name may be to the unnamed one. */
    boolean isComplete() {
        return complete;
    }

    boolean contains(String name) {
        return pathByName.containsKey(name);
    }

    /** Every name seen, in configuration order. */
    List<String> all() {
        return List.copyOf(pathByName.keySet());
    }
}
