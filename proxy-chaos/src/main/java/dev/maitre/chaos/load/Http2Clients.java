package dev.maitre.chaos.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 side of one load generator: an event loop for its connections, the connections its
 * kept-alive clients share, and a probe for each client. Closing it closes every connection and
 * stops the loop.
 */
final class Http2Clients implements AutoCloseable {

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Clients clients;
    private final int timeoutMillis;
    private final List<Http2Connection> shared = new ArrayList<>();

    Http2Clients(int port, Clients clients, int timeoutMillis) {
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("chaos-h2-load-" + port, true),
                NioIoHandler.newFactory());
        this.bootstrap = Http2Connection.bootstrap(group, port, timeoutMillis);
        this.clients = clients;
        this.timeoutMillis = timeoutMillis;
        if (clients.mode() == LoadGenerator.Mode.KEEP_ALIVE) {
            for (int i = 0; i < clients.connections(); i++) {
                shared.add(new Http2Connection(bootstrap));
            }
        }
    }

    /** Client {@code i}'s probe: on its shared connection, or on a connection of its own per request. */
    Probe probe(int i) {
        return clients.mode() == LoadGenerator.Mode.KEEP_ALIVE
                ? new Http2Probe(shared.get(i % shared.size()), false, timeoutMillis)
                : new Http2Probe(new Http2Connection(bootstrap), true, timeoutMillis);
    }

    @Override
    public void close() {
        shared.forEach(Http2Connection::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
