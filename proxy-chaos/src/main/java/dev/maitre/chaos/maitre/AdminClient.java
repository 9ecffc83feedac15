package dev.maitre.chaos.maitre;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the suite reads and does through maitre's admin API, as an operator would. */
public final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    AdminClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** {@code GET /api/events}, oldest first. */
    public List<HealthEvent> events() throws IOException {
        List<HealthEvent> events = new ArrayList<>();
        for (JsonNode e : JSON.readTree(get("/api/events")).path("events")) {
            events.add(HealthEvent.of(e.path("time").asText(), e.path("backend").asText(), e.path("kind").asText(),
                    e.path("from").asText(null), e.path("to").asText(null), e.path("reason").asText(null)));
        }
        return events;
    }

    /** Each backend's state, by address, from {@code GET /api/clusters}. */
    public Map<String, String> states() throws IOException {
        Map<String, String> states = new TreeMap<>();
        for (JsonNode cluster : JSON.readTree(get("/api/clusters")).path("clusters")) {
            for (JsonNode backend : cluster.path("backends")) {
                states.put(backend.path("address").asText(), backend.path("state").asText());
            }
        }
        return states;
    }

    /** One backend as {@code GET /api/clusters} shows it (state, last check, counts), for failure messages. */
    public String backendView(String address) throws IOException {
        for (JsonNode cluster : JSON.readTree(get("/api/clusters")).path("clusters")) {
            for (JsonNode backend : cluster.path("backends")) {
                if (backend.path("address").asText().equals(address)) {
                    return "state " + backend.path("state").asText() + ", consecutiveFailures "
                            + backend.path("consecutiveFailures").asInt() + ", lastCheck " + backend.path("lastCheck");
                }
            }
        }
        return "not found";
    }

    /** Whether the backend's latest check passed and no failure is counted against it. */
    public boolean lastCheckPassed(String address) throws IOException {
        for (JsonNode cluster : JSON.readTree(get("/api/clusters")).path("clusters")) {
            for (JsonNode backend : cluster.path("backends")) {
                if (backend.path("address").asText().equals(address)) {
                    return "ok".equals(backend.path("lastCheck").path("result").asText())
                            && backend.path("consecutiveFailures").asInt() == 0;
                }
            }
        }
        return false;
    }

    /** {@code POST .../drain}; returns once maitre answered, when no new request can pick the backend. */
    public void drain(String cluster, String backend) throws IOException {
        post("/api/clusters/" + cluster + "/backends/" + backend + "/drain");
    }

    public void enable(String cluster, String backend) throws IOException {
        post("/api/clusters/" + cluster + "/backends/" + backend + "/enable");
    }

    /** The sum of every sample of {@code metric} whose labels include {@code label="value"} (or all, if label is null). */
    public double metric(String metric, String label, String value) throws IOException {
        double sum = 0;
        String wanted = label == null ? null : label + "=\"" + value + "\"";
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            if (wanted != null && !line.contains(wanted)) {
                continue;
            }
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return sum;
    }

    /** The sum of every sample of {@code metric} whose labels include all of {@code labels}. */
    public double metric(String metric, Map<String, String> labels) throws IOException {
        double sum = 0;
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric + "{")) {
                continue;
            }
            String names = line.substring(0, line.lastIndexOf(' '));
            if (labels.entrySet().stream().allMatch(l -> names.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Whether the admin API answers {@code GET /healthz}. */
    boolean alive() {
        try {
            get("/healthz");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private void post(String path) throws IOException {
        send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private String send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(request.method() + " " + request.uri() + ": " + response.statusCode() + " "
                        + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
