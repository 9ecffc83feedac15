package dev.maitre.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** YAML configuration files for the integration tests, written the way a user would write them. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * One HTTP listener {@code web} on loopback {@code listenerPort} sending everything to cluster
     * {@code app} of one backend on loopback {@code backendPort}; the admin API on {@code adminPort}.
     */
    static String proxy(int adminPort, int listenerPort, int backendPort, String shutdownGracePeriod) {
        return """
                admin:
                  bind: 127.0.0.1:%d
                shutdownGracePeriod: %s
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                  - name: app
                    balancer: round_robin
                    backends:
                      - address: 127.0.0.1:%d
                """.formatted(adminPort, shutdownGracePeriod, listenerPort, backendPort);
    }

    static Path write(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
