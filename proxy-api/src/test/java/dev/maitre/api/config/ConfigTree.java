package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration document as a YAML parser would hand it over, built in tests and changed key by
 * key: {@code minimal().set("clusters[0].healthCheck.timeout", "15s")}.
 */
final class ConfigTree {

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private final Map<String, Object> root;

    private ConfigTree(Map<String, Object> root) {
        this.root = root;
    }

    /** One http listener {@code web} on 127.0.0.1:8080 routing everything to cluster {@code web}. */
    static ConfigTree minimal() {
        return new ConfigTree(map(
                "listeners", list(map(
                        "name", "web",
                        "bind", "127.0.0.1:8080",
                        "protocol", "http",
                        "routes", list(map("cluster", "web")))),
                "clusters", list(map(
                        "name", "web",
                        "backends", list(map("address", "127.0.0.1:9000"))))));
    }

    /** The example configuration of DESIGN.md, section 4. */
    static ConfigTree designExample() {
        return new ConfigTree(map(
                "admin", map("bind", "127.0.0.1:9901"),
                "workers", 2,
                "shutdownGracePeriod", "30s",
                "listeners", list(
                        map("name", "web",
                                "bind", "0.0.0.0:8080",
                                "protocol", "http",
                                "routes", list(
                                        map("host", "api.example.com", "pathPrefix", "/api", "cluster", "api"),
                                        map("cluster", "web"))),
                        map("name", "postgres",
                                "bind", "0.0.0.0:5433",
                                "protocol", "tcp",
                                "cluster", "pg")),
                "clusters", list(
                        map("name", "api",
                                "balancer", "round_robin",
                                "backends", list(
                                        map("address", "10.0.0.11:8080", "weight", 1),
                                        map("address", "10.0.0.12:8080")),
                                "healthCheck", map(
                                        "protocol", "http",
                                        "path", "/healthz",
                                        "expectStatus", "200-399",
                                        "interval", "10s",
                                        "timeout", "2s",
                                        "unhealthyThreshold", 3,
                                        "healthyThreshold", 2,
                                        "jitter", "10%")),
                        map("name", "web", "backends", list(map("address", "10.0.0.21:8080"))),
                        map("name", "pg", "backends", list(map("address", "10.0.0.31:5432"))))));
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static List<Object> list(Object... items) {
        return new ArrayList<>(List.of(items));
    }

    /** Sets the value at {@code path}, creating the mappings on the way; an index one past the end appends. */
    ConfigTree set(String path, Object value) {
        List<Object> segments = segments(path);
        Object container = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            Object next = get(container, segments.get(i));
            if (next == null) {
                next = segments.get(i + 1) instanceof Integer ? new ArrayList<>() : new LinkedHashMap<String, Object>();
                put(container, segments.get(i), next);
            }
            container = next;
        }
        put(container, segments.get(segments.size() - 1), value);
        return this;
    }

    ConfigTree remove(String path) {
        List<Object> segments = segments(path);
        Object container = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            container = get(container, segments.get(i));
        }
        Object last = segments.get(segments.size() - 1);
        if (last instanceof Integer index) {
            ((List<?>) container).remove((int) index);
        } else {
            ((Map<?, ?>) container).remove(last);
        }
        return this;
    }

    Map<String, Object> root() {
        return root;
    }

    ProxyConfig bind() throws ConfigException {
        return ConfigBinder.bind(root, path -> 0);
    }

    /** The errors binding reports, as a user reads them ({@code path: message}). */
    List<String> errors() {
        List<String> errors = new ArrayList<>();
        assertThatThrownBy(this::bind).isInstanceOfSatisfying(ConfigException.class,
                e -> e.errors().forEach(error -> errors.add(error.toString())));
        return errors;
    }

    private static List<Object> segments(String path) {
        List<Object> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            segments.add(m.group(1) != null ? m.group(1) : (Object) Integer.parseInt(m.group(2)));
        }
        return segments;
    }

    @SuppressWarnings("unchecked")
    private static Object get(Object container, Object segment) {
        if (segment instanceof Integer index) {
            List<Object> list = (List<Object>) container;
            return index < list.size() ? list.get(index) : null;
        }
        return ((Map<String, Object>) container).get((String) segment);
    }

    @SuppressWarnings("unchecked")
    private static void put(Object container, Object segment, Object value) {
        if (segment instanceof Integer index) {
            List<Object> list = (List<Object>) container;
            if (index == list.size()) {
                list.add(value);
            } else {
                list.set(index, value);
            }
        } else {
            ((Map<String, Object>) container).put((String) segment, value);
        }
    }
}
