package dev.maitre.server.demo;

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
import java.util.List;

/**
 * Small HTTP servers on loopback that stand in for real backends in {@code maitre --demo}. Each
 * answers {@code /healthz} with 200 and every other request with a line that names it, so a reader
 * can see which backend served a request. {@code POST /demo/stop}, sent to a backend directly, makes
 * it stop listening, as a crashed backend would: the tour in the README uses it.
 */
public final class DemoBackends implements AutoCloseable {

    /** Tried first, so the addresses are easy to remember; a taken port is replaced by a free one. */
    public static final List<Integer> PREFERRED_PORTS = List.of(9001, 9002, 9003);

    private final List<HttpServer> servers;

    private DemoBackends(List<HttpServer> servers) {
        this.servers = servers;
    }

    /** Starts one backend per port of {@code preferredPorts} (0 for any free port), numbered from 1. */
    public static DemoBackends start(List<Integer> preferredPorts) throws IOException {
        List<HttpServer> servers = new ArrayList<>();
        DemoBackends backends = new DemoBackends(servers);
        try {
            for (int port : preferredPorts) {
                servers.add(start(servers.size() + 1, port));
            }
        } catch (IOException | RuntimeException e) {
            backends.close();
            throw e;
        }
        return backends;
    }

    /** Where the backends listen, in the order they are numbered. */
    public List<HostPort> addresses() {
        return servers.stream().map(server -> hostPort(server.getAddress())).toList();
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
    }

    private static HttpServer start(int number, int preferredPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(loopback, preferredPort), 0);
        } catch (BindException e) {
            server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        }
        String hello = "hello from demo backend " + number + " (" + hostPort(server.getAddress()) + ")\n";
        server.createContext("/", exchange -> answer(exchange, 200, hello));
        server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
        HttpServer self = server;
        server.createContext("/demo/stop", exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "use POST to stop this backend\n");
                return;
            }
            answer(exchange, 200, "demo backend " + number + " stops listening\n");
            Thread stopper = new Thread(() -> self.stop(0), "demo-backend-" + number + "-stop");
            stopper.setDaemon(true);
            stopper.start();
        });
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange; InputStream request = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody()) {
            request.transferTo(OutputStream.nullOutputStream());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(status, bytes.length);
            response.write(bytes);
        }
    }

    private static HostPort hostPort(InetSocketAddress address) {
        return new HostPort(address.getAddress().getHostAddress(), address.getPort());
    }
}
