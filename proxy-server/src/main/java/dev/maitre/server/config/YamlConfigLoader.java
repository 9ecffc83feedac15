package dev.maitre.server.config;

import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ProxyConfig;
import java.nio.file.Path;

/** Reads a YAML configuration file into a validated {@link ProxyConfig}. */
public final class YamlConfigLoader {

    private YamlConfigLoader() {
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ConfigException with every error found, each naming the key path and line; also for a
     *     missing or unreadable file and for malformed YAML
     */
    public static ProxyConfig load(Path file) throws ConfigException {
        throw new UnsupportedOperationException("not yet written");
    }
}
