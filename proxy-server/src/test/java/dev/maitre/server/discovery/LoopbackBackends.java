package dev.maitre.server.discovery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.maitre.api.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP backends on loopback addresses of their own (127.0.0.2, 127.0.0.3, ...), all on one port, as the
 * pods of a headless Service are: DNS names them by address alone. Each answers its address and counts
 * the requests it served.
 */
final class LoopbackBackends implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, HttpServer> servers = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> requests = new LinkedHashMap<>();
    private final int port;

    private LoopbackBackends(List<String> hosts) throws IOException {
        int chosen = 0;
        for (int attempt = 0; attempt < 20 && chosen == 0; attempt++) {
            chosen = tryListen(hosts);
        }
        if (chosen == 0) {
            throw new IOException("no port free on every one of " + hosts);
        }
        this.port = chosen;
    }

    /** Backends on {@code hosts}, sharing one port the first of them was given. */
    static LoopbackBackends start(String... hosts) throws IOException {
        return new LoopbackBackends(List.of(hosts));
    }

    int port() {
        return port;
    }

    HostPort address(String host) {
        return new HostPort(host, port);
    }

    int requests(String host) {
        return requests.get(host).get();
    }

    /** Stops {@code host}'s server, as a pod that ended. */
    void stop(String host) {
        servers.get(host).stop(0);
    }

    @Override
    public void close() {
        servers.values().forEach(server -> server.stop(0));
        threads.shutdownNow();
    }

    /** The shared port, or 0 when one of the hosts had it taken (then nothing is left listening). */
    private int tryListen(List<String> hosts) throws IOException {
        List<HttpServer> started = new ArrayList<>();
        int shared = 0;
        try {
            for (String host : hosts) {
                HttpServer server = listen(host, shared);
                started.add(server);
                shared = server.getAddress().getPort();
            }
        } catch (BindException e) {
            started.forEach(server -> server.stop(0));
            servers.clear();
            requests.clear();
            return 0;
        }
        return shared;
    }

    private HttpServer listen(String host, int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), onPort), 100);
        AtomicInteger count = new AtomicInteger();
        http.setExecutor(threads);
        http.createContext("/", exchange -> {
            count.incrementAndGet();
            answer(exchange, host + "\n");
        });
        http.createContext("/healthz", exchange -> answer(exchange, "ok\n"));
        http.start();
        servers.put(host, http);
        requests.put(host, count);
        return http;
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            out.write(bytes);
        }
    }
}
