package dev.maitre.server.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.OutlierDetectionConfig;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.server.MaitreServer;
import dev.maitre.testing.Configs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * maitre running in this JVM (health monitor, engine and admin API, as {@link MaitreServer} wires
 * them) on loopback ports of its own choosing, with the requests a test sends to it.
 */
final class RunningMaitre implements AutoCloseable {

    static final String CLUSTER = "app";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MaitreServer server;
    private final String adminToken;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private RunningMaitre(MaitreServer server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    static RunningMaitre start(ClusterConfig cluster) throws Exception {
        return start(cluster, new AdminConfig(new HostPort("127.0.0.1", 0)));
    }

    /** With the admin API as {@code admin} says, on a port of its choosing if it names port 0. */
    static RunningMaitre start(ClusterConfig cluster, AdminConfig admin) throws Exception {
        ListenerConfig web = ListenerConfig.http("web", new HostPort("127.0.0.1", 0),
                List.of(RouteConfig.catchAll(cluster.name())));
        ProxyConfig config = new ProxyConfig(admin, 2, Duration.ofSeconds(2),
                AccessLogConfig.defaults(), List.of(web), List.of(cluster));
        return new RunningMaitre(MaitreServer.start(config), admin.token());
    }

    /** With {@code config} as it is: its listeners, clusters and admin API. */
    static RunningMaitre start(ProxyConfig config) throws Exception {
        return new RunningMaitre(MaitreServer.start(config), config.admin().token());
    }

    /** Cluster {@code app}, round robin over {@code backends}. */
    static ClusterConfig cluster(HealthCheckConfig check, OutlierDetectionConfig outliers, TestBackend... backends) {
        return Configs.cluster(CLUSTER, check, outliers, 0, Arrays.stream(backends).map(TestBackend::address).toList());
    }

    InetSocketAddress proxy() {
        return server.address("web");
    }

    int adminPort() {
        return server.adminAddress().getPort();
    }

    String adminUrl(String path) {
        InetSocketAddress admin = server.adminAddress();
        return "http://127.0.0.1:" + admin.getPort() + path;
    }

    /** GET through the proxy on the client's keep-alive connections. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy().getPort() + path))
                .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET through the proxy on a connection of its own, closed after the answer; returns the status line. */
    String getOnNewConnection(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(proxy(), 2000);
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = answer.indexOf("\r\n");
            return end < 0 ? answer : answer.substring(0, end);
        }
    }

    /** An admin request, bearing the admin token if one is configured. */
    HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl(path)))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(REQUEST_TIMEOUT);
        if (adminToken != null) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode adminJson(String method, String path) throws IOException, InterruptedException {
        return json(admin(method, path).body());
    }

    /** The backend at {@code address} as {@code GET /api/clusters} shows it. */
    JsonNode backend(HostPort address) throws IOException, InterruptedException {
        for (JsonNode cluster : adminJson("GET", "/api/clusters").get("clusters")) {
            for (JsonNode backend : cluster.get("backends")) {
                if (backend.get("address").asText().equals(address.toString())) {
                    return backend;
                }
            }
        }
        throw new AssertionError("no backend " + address + " in /api/clusters");
    }

    String state(HostPort address) throws IOException, InterruptedException {
        return backend(address).get("state").asText();
    }

    /**
     * Polls {@code /api/clusters} every 10 ms until the backend shows {@code state}; returns
     * {@link System#nanoTime()} at the first answer that shows it. Fails after {@code within}.
     */
    long awaitState(HostPort address, String state, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long polls = within.toMillis() / 10 + 1;
        for (long i = 0; i < polls && System.nanoTime() < deadline; i++) {
            if (state(address).equals(state)) {
                return System.nanoTime();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("backend " + address + " not " + state + " within " + within + ": " + backend(address));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    @Override
    public void close() {
        server.stop("test over");
    }
}
