package dev.maitre.server.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.api.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on loopback that can crash (stop listening, its connections closed) and come back on the
 * same port. {@code /healthz} answers 200; {@code /slow} waits until {@link #releaseSlow()}; every
 * other path answers its name. Counts the requests other than health checks.
 */
final class TestBackend implements AutoCloseable {

    private final String name;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch slowReleased = new CountDownLatch(1);
    private final CountDownLatch slowArrived = new CountDownLatch(1);
    private volatile int status = 200;
    private volatile HttpServer server;
    private final int port;

    private TestBackend(String name, int port) throws IOException {
        this.name = name;
        this.server = listen(port);
        this.port = server.getAddress().getPort();
    }

    static TestBackend start(String name) throws IOException {
        return new TestBackend(name, 0);
    }

    HostPort address() {
        return new HostPort("127.0.0.1", port);
    }

    String name() {
        return name;
    }

    /** Requests served so far, health checks not counted. */
    int requests() {
        return requests.get();
    }

    /** From now on, answer every request but the health check with {@code status}. */
    void answerWith(int newStatus) {
        status = newStatus;
    }

    /** Stops listening and closes every connection, as a crashed process would. */
    void crash() {
        HttpServer running = server;
        if (running != null) {
            server = null;
            running.stop(0);
        }
    }

    /** Listens again on the same port. */
    void revive() throws IOException {
        server = listen(port);
    }

    boolean awaitSlowRequest(long seconds) throws InterruptedException {
        return slowArrived.await(seconds, TimeUnit.SECONDS);
    }

    void releaseSlow() {
        slowReleased.countDown();
    }

    @Override
    public void close() {
        releaseSlow();
        crash();
        threads.shutdownNow();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 100);
        http.setExecutor(threads);
        http.createContext("/", exchange -> {
            requests.incrementAndGet();
            answer(exchange, status, name + "\n");
        });
        http.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
        http.createContext("/slow", exchange -> {
            requests.incrementAndGet();
            slowArrived.countDown();
            try {
                slowReleased.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, name + " (slow)\n");
        });
        http.start();
        return http;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        }
    }
}
