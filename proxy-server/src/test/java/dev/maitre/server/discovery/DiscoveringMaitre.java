package dev.maitre.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.server.MaitreServer;
import dev.maitre.server.config.YamlConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** maitre started from a configuration file in this JVM, with what the discovery tests ask of it. */
final class DiscoveringMaitre implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MaitreServer server;
    private final Path file;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private DiscoveringMaitre(MaitreServer server, Path file) {
        this.server = server;
        this.file = file;
    }

    /** Starts maitre on {@code clusters} (YAML list items), with listener {@code web} routing to the first one. */
    static DiscoveringMaitre start(Path dir, String clusters) throws Exception {
        Path file = dir.resolve("maitre.yaml");
        Files.writeString(file, yaml(clusters));
        return new DiscoveringMaitre(MaitreServer.start(YamlConfigLoader.load(file), file), file);
    }

    /** Rewrites the file with {@code clusters} and reloads it; returns the reload's answer. */
    JsonNode reload(String clusters) throws Exception {
        Files.writeString(file, yaml(clusters));
        return json(send("POST", admin("/api/reload")).body());
    }

    private static String yaml(String clusters) {
        return """
                admin:
                  bind: 127.0.0.1:0
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    protocol: http
                    routes:
                      - cluster: app
                clusters:
                """ + clusters.indent(2);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address("web").getPort()
                + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String admin(String path) {
        return "http://127.0.0.1:" + server.adminAddress().getPort() + path;
    }

    /** Cluster {@code cluster}'s backends as {@code GET /api/clusters} shows them, by address. */
    Map<String, JsonNode> backends(String cluster) throws IOException, InterruptedException {
        Map<String, JsonNode> backends = new LinkedHashMap<>();
        for (JsonNode c : json(send("GET", admin("/api/clusters")).body()).get("clusters")) {
            if (c.get("name").asText().equals(cluster)) {
                c.get("backends").forEach(b -> backends.put(b.get("address").asText(), b));
            }
        }
        return backends;
    }

    /** The value of {@code maitre_discovery_resolutions_total} for {@code cluster} and {@code result}. */
    double resolutions(String cluster, String result) throws IOException, InterruptedException {
        return metric("maitre_discovery_resolutions_total", cluster, "result=\"" + result + "\"");
    }

    /** The value of {@code maitre_discovery_backends} for {@code cluster}. */
    double discoveredBackends(String cluster) throws IOException, InterruptedException {
        return metric("maitre_discovery_backends", cluster, "");
    }

    private double metric(String name, String cluster, String label) throws IOException, InterruptedException {
        String text = send("GET", admin("/metrics")).body();
        Matcher line = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (line.find()) {
            if (line.group(1).contains("cluster=\"" + cluster + "\"") && line.group(1).contains(label)) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Override
    public void close() {
        server.stop("test over");
    }
}
