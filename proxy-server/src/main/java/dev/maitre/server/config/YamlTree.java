package dev.maitre.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into the generic tree that {@link dev.maitre.api.config.ConfigBinder} binds
 * (maps in document order, lists, strings, numbers, booleans, nulls), with the line of every key
 * path ({@code clusters[1].healthCheck.timeout}) and of every list element ({@code clusters[1]}).
 *
 * <p>Anchors on mappings and lists, aliases to them and {@code <<} merge keys are resolved; the
 * parser does not report anchors on single values, so those cannot be aliased. Problems YAML itself
 * lets through are
 * kept as errors: a key given twice in one mapping, an alias to no anchor, a second document.
 */
final class YamlTree {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    private static final String MERGE_KEY = "<<";
    /** The value of an alias to no anchor, already reported; its key is left out rather than bound. */
    private static final Object UNRESOLVED = new Object();

    private final Object root;
    private final Map<String, Integer> lines;
    private final List<ConfigError> errors;

    private YamlTree(Object root, Map<String, Integer> lines, List<ConfigError> errors) {
        this.root = root;
        this.lines = lines;
        this.errors = errors;
    }

    /**
     * Reads {@code yaml}.
     *
     * @throws ConfigException when it is not well-formed YAML, naming the line of the problem
     */
    static YamlTree read(String yaml, String sourceName) throws ConfigException {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            Reader reader = new Reader((YAMLParser) parser);
            Object root = reader.readDocument();
            return new YamlTree(root, reader.lines, reader.errors);
        } catch (JsonProcessingException e) {
            throw new ConfigException(MalformedYaml.describe(e, sourceName));
        } catch (IOException e) {
            throw new ConfigException(new ConfigError("", 0, sourceName + ": cannot be read: " + e.getMessage()));
        }
    }

    /** The document: a map, a list, a scalar, or {@code null} when the document is empty. */
    Object root() {
        return root;
    }

    /** The 1-based line of a key path, or 0 when unknown. */
    int lineOf(String path) {
        return lines.getOrDefault(path, 0);
    }

    /** What the document got wrong beyond YAML syntax; empty when nothing. */
    List<ConfigError> errors() {
        return errors;
    }

    /** Walks the parser's tokens once, building the tree. */
    private static final class Reader {

        private final YAMLParser parser;
        private final Map<String, Integer> lines = new HashMap<>();
        private final List<ConfigError> errors = new ArrayList<>();
        private final Map<String, Object> anchors = new HashMap<>();

        Reader(YAMLParser parser) {
            this.parser = parser;
        }

        Object readDocument() throws IOException {
            if (parser.nextToken() == null) {
                return null;
            }
            Object root = readValue("");
            if (root == UNRESOLVED) {
                root = null;
            }
            if (parser.nextToken() != null) {
                errors.add(new ConfigError("", line(), "a second document (expected: one YAML document per file)"));
            }
            return root;
        }

        private Object readValue(String path) throws IOException {
            String anchor = parser.getObjectId();
            Object value = switch (parser.currentToken()) {
                case START_OBJECT -> readMapping(path);
                case START_ARRAY -> readSequence(path);
                case VALUE_STRING -> parser.isCurrentAlias() ? resolveAlias(path) : parser.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> {
                    errors.add(new ConfigError(path, line(), "a " + parser.currentToken()
                            + " (expected: a mapping, a list, a string, a number or a boolean)"));
                    yield null;
                }
            };
            if (anchor != null && !parser.isCurrentAlias()) {
                anchors.put(anchor, value);
            }
            return value;
        }

        private Map<String, Object> readMapping(String path) throws IOException {
            Map<String, Object> mapping = new LinkedHashMap<>();
            List<Object> merged = new ArrayList<>();
            Map<String, Integer> keyLines = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                String keyPath = path.isEmpty() ? key : path + "." + key;
                int line = line();
                parser.nextToken();
                if (key.equals(MERGE_KEY)) {
                    lines.putIfAbsent(keyPath, line);
                    Object source = readValue(keyPath);
                    if (source != UNRESOLVED) {
                        merged.add(source);
                    }
                } else if (keyLines.containsKey(key)) {
                    errors.add(new ConfigError(keyPath, line, "duplicate key (expected: each key once in a mapping; "
                            + key + " is first given at line " + keyLines.get(key) + ")"));
                    readValue(keyPath);
                } else {
                    keyLines.put(key, line);
                    lines.putIfAbsent(keyPath, line);
                    Object value = readValue(keyPath);
                    if (value != UNRESOLVED) {
                        mapping.put(key, value);
                    }
                }
            }
            for (Object source : merged) {
                merge(mapping, source, path.isEmpty() ? MERGE_KEY : path + "." + MERGE_KEY);
            }
            return mapping;
        }

        /** Adds the keys of a {@code <<} source that the mapping does not set itself. */
        private void merge(Map<String, Object> mapping, Object source, String mergePath) {
            if (source instanceof Map<?, ?> sourceMapping) {
                sourceMapping.forEach((key, value) -> mapping.putIfAbsent((String) key, value));
            } else if (source instanceof List<?> sources && sources.stream().allMatch(Map.class::isInstance)) {
                sources.forEach(each -> merge(mapping, each, mergePath));
            } else {
                errors.add(new ConfigError(mergePath, lines.getOrDefault(mergePath, 0),
                        "not a mapping (expected: an alias to a mapping, or a list of them)"));
            }
        }

        private List<Object> readSequence(String path) throws IOException {
            List<Object> sequence = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                String elementPath = path + "[" + sequence.size() + "]";
                lines.putIfAbsent(elementPath, line());
                Object value = readValue(elementPath);
                sequence.add(value != UNRESOLVED ? value : null);
            }
            return sequence;
        }

        private Object resolveAlias(String path) throws IOException {
            String name = parser.getText();
            if (!anchors.containsKey(name)) {
                errors.add(new ConfigError(path, line(), "*" + name
                        + " (expected: an alias to a mapping or list anchored above; single values cannot be anchored)"));
                return UNRESOLVED;
            }
            return anchors.get(name);
        }

        private int line() {
            return parser.currentTokenLocation().getLineNr();
        }
    }
}
