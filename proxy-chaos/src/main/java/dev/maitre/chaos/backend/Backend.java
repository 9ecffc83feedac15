package dev.maitre.chaos.backend;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * One backend: a WireMock server on a loopback port it binds as port 0 when first started and keeps
 * for the whole run, so that a crashed backend comes back at the address maitre (through Toxiproxy)
 * knows. Every answer names the
 * backend in {@code X-Backend}, which is how the load generator knows who served a request.
 *
 * <p>Paths: {@code /healthz} (the checks), {@code /app/...} (small answers), {@code /slow} (an
 * answer after {@link #SLOW_MILLIS}, WireMock's own delay, so requests are in flight when a backend
 * is drained) and {@code /large} ({@link #LARGE_BYTES} of fixed pseudo-random bytes); any path can
 * be made to fail with one of WireMock's faults ({@link #fail}).
 */
public final class Backend implements BackendServer {

    public static final int SLOW_MILLIS = 300;
    public static final int LARGE_BYTES = 4 * 1024 * 1024;
    private static final byte[] LARGE_BODY = largeBody();
    public static final String LARGE_SHA256 = sha256(LARGE_BODY);

    private final String name;
    private int port;
    private WireMockServer server;

    public Backend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    public synchronized void start() {
        if (server != null && server.isRunning()) {
            return;
        }
        server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).containerThreads(24)
                .jettyAcceptors(1).jettyStopTimeout(0L));
        server.start();
        port = server.port();
        server.stubFor(get(urlPathEqualTo("/healthz")).willReturn(named().withBody("ok")));
        server.stubFor(get(urlPathMatching("/app/.*")).willReturn(named().withBody("hello from " + name)));
        server.stubFor(get(urlPathEqualTo("/slow")).willReturn(named().withBody("slow hello from " + name)
                .withFixedDelay(SLOW_MILLIS)));
        server.stubFor(get(urlPathEqualTo("/large")).willReturn(named().withBody(LARGE_BODY)
                .withHeader("Content-Type", "application/octet-stream")));
    }

    /**
     * Makes {@code path} fail with one of WireMock's own faults (a reset, an empty answer, a broken
     * chunk...) until the backend restarts.
     */
    public synchronized void fail(String path, Fault fault) {
        server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withFault(fault)));
    }

    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder named() {
        return aResponse().withStatus(200).withHeader("X-Backend", name).withHeader("Content-Type", "text/plain");
    }

    /** Stops listening, as a crashed process would: connections are closed, new ones refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * The wall-clock times (milliseconds) at which this run of the server received application
     * requests (not checks), from WireMock's request journal.
     */
    public synchronized List<Long> applicationRequestTimes() {
        List<ServeEvent> events = server == null ? List.of() : server.getAllServeEvents();
        return events.stream()
                .filter(e -> !e.getRequest().getUrl().startsWith("/healthz"))
                .map(e -> e.getRequest().getLoggedDate().getTime())
                .sorted()
                .toList();
    }

    @Override
    public void close() {
        stop();
    }

    private static byte[] largeBody() {
        byte[] body = new byte[LARGE_BYTES];
        new Random(6).nextBytes(body);
        return body;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
