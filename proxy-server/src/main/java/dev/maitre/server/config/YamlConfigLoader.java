package dev.maitre.server.config;

import dev.maitre.api.config.ConfigBinder;
import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.pool.BackendTls;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads a YAML configuration file into a validated {@link ProxyConfig}. */
public final class YamlConfigLoader {

    private YamlConfigLoader() {
    }

    /**
     * Loads and validates {@code file}, including the contents of the clusters' TLS files. Relative TLS
     * file names in it are resolved against the file's directory.
     *
     * @throws ConfigException with every error found, each naming the key path and line; also for a
     *     missing or unreadable file and for malformed YAML
     */
    public static ProxyConfig load(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath();
        return parse(read(file), file.toString(), absolute.getParent());
    }

    /**
     * Validates the YAML text {@code yaml}; relative TLS file names are resolved against the working
     * directory.
     *
     * @param sourceName how errors about the text as a whole name it, such as a file name
     * @throws ConfigException with every error found, each naming the key path and line
     */
    public static ProxyConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, Path.of(""));
    }

    static ProxyConfig parse(String yaml, String sourceName, Path baseDir) throws ConfigException {
        YamlTree tree = YamlTree.read(yaml, sourceName);
        List<ConfigError> errors = new ArrayList<>(tree.errors());
        try {
            ProxyConfig config = ConfigBinder.bind(tree.root(), tree::lineOf, baseDir);
            // files that exist but hold no usable CA bundle, certificate or key: found now, not at start
            BackendTls.problems(config).forEach((key, problem) ->
                    errors.add(new ConfigError(key, tree.lineOf(key), problem)));
            if (errors.isEmpty()) {
                return config;
            }
        } catch (ConfigException e) {
            errors.addAll(e.errors());
        }
        errors.sort(Comparator.comparingInt(ConfigError::line));
        throw new ConfigException(errors);
    }

    private static String read(Path file) throws ConfigException {
        String problem;
        try {
            if (Files.isDirectory(file)) {
                problem = "is a directory (expected: a YAML file)";
            } else {
                String text = Files.readString(file);
                return text.startsWith("\uFEFF") ? text.substring(1) : text;
            }
        } catch (NoSuchFileException e) {
            problem = "no such file";
        } catch (AccessDeniedException e) {
            problem = "cannot be read (permission denied)";
        } catch (MalformedInputException e) {
            problem = "not UTF-8 text (expected: a YAML file in UTF-8)";
        } catch (IOException e) {
            problem = "cannot be read (" + e.getMessage() + ")";
        }
        throw new ConfigException(new ConfigError("", 0, file + ": " + problem));
    }
}
