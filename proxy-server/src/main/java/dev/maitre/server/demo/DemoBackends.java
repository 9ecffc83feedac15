package dev.maitre.server.demo;

import dev.maitre.api.HostPort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small HTTP servers on loopback that stand in for real backends in {@code maitre --demo}. Each
 * answers {@code /healthz} with 200 and every other request with a line that names it, so a reader
 * can see which backend served a request. {@code POST /demo/stop}, sent to a backend directly, makes
 * it stop listening, as a crashed backend would: the tour in the README uses it. Each also echoes
 * WebSocket messages on {@code /ws}, naming itself in the {@code X-Demo-Backend} header of its
 * handshake answer. They share one event-loop thread: a demo's load is light.
 */
public final class DemoBackends implements AutoCloseable {

    /** Tried first, so the addresses are easy to remember; a taken port is replaced by a free one. */
    public static final List<Integer> PREFERRED_PORTS = List.of(9001, 9002, 9003);

    private final EventLoopGroup group;
    private final List<DemoBackend> backends = new ArrayList<>();

    private DemoBackends() {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("maitre-demo-backend", true),
                NioIoHandler.newFactory());
    }

    /** Starts one backend per port of {@code preferredPorts} (0 for any free port), numbered from 1. */
    public static DemoBackends start(List<Integer> preferredPorts) throws IOException {
        DemoBackends demo = new DemoBackends();
        try {
            for (int port : preferredPorts) {
                demo.backends.add(DemoBackend.start(demo.backends.size() + 1, port, demo.group));
            }
        } catch (IOException | RuntimeException e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    /** Where the backends listen, in the order they are numbered. */
    public List<HostPort> addresses() {
        return backends.stream().map(DemoBackend::address).toList();
    }

    @Override
    public void close() {
        backends.forEach(backend -> backend.stop().awaitUninterruptibly());
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
