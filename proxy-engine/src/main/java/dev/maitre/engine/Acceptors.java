package dev.maitre.engine;

import dev.maitre.engine.transport.AdaptiveReadSizes;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the engine's listeners accept. On epoll every worker loop accepts on a listening socket of
 * its own, all of a listener's sockets bound to its address with {@code SO_REUSEPORT}: the kernel
 * spreads new connections over them and a connection is served by the loop that accepted it, with no
 * hand-off between threads. Elsewhere one accept loop ({@code maitre-accept}) owns the listener's one
 * socket and hands each connection to a worker loop.
 */
final class Acceptors {

    /**
     * Netty's adaptive read sizes with a smaller per-connection handle (idle connections are many),
     * one instance for all accepted connections: it holds no state of its own.
     */
    private static final RecvByteBufAllocator RECEIVE_SIZES = AdaptiveReadSizes.INSTANCE;

    private final Transport transport;
    private final EventLoopGroup workers;
    /** The one accept loop; {@code null} when every worker loop accepts. */
    private final EventLoopGroup acceptLoop;

    Acceptors(Transport transport, EventLoopGroup workers) {
        this.transport = transport;
        this.workers = workers;
        this.acceptLoop = transport.acceptsOnEveryLoop() ? null : transport.newGroup(1, "maitre-accept");
    }

    /** For the start-up log line. */
    String description() {
        return acceptLoop == null ? "each accepting on a socket of its own (SO_REUSEPORT)" : "one accept loop";
    }

    /**
     * Binds the listening sockets of one listener to {@code address} (port 0: a free port, the same
     * for all of them); {@code childHandler} sets up each accepted connection. On a failure, closes
     * the sockets it bound and throws.
     *
     * @throws IOException when {@code address} is in use (see {@link #requireNotListenedOn})
     */
    List<Channel> bind(InetSocketAddress address, ChannelHandler childHandler) throws IOException {
        if (acceptLoop != null) {
            return List.of(bind(bootstrap(acceptLoop, workers, transport.serverChannelFactory(), childHandler),
                    address));
        }
        if (address.getPort() != 0) {
            requireNotListenedOn(address);
        }
        List<Channel> sockets = new ArrayList<>();
        try {
            InetSocketAddress next = address;
            for (EventExecutor executor : workers) {
                EventLoop loop = (EventLoop) executor;
                Channel socket = bind(bootstrap(loop, loop, transport.sharedServerChannelFactory(), childHandler),
                        next);
                sockets.add(socket);
                next = new InetSocketAddress(address.getAddress(), ((InetSocketAddress) socket.localAddress()).getPort());
            }
        } catch (Exception e) { // Netty rethrows a failed bind's IOException unchecked
            close(sockets);
            throw e;
        }
        return List.copyOf(sockets);
    }

    /**
     * Fails with "Address already in use" when any socket listens on {@code address}, even one bound
     * with {@code SO_REUSEPORT}. Sockets that all set that option share an address; without this check
     * a second maitre of the same user given the same address would start and silently take part of the
     * first one's connections, where it should exit saying the port is in use. A socket that binds
     * without listening conflicts with every listening one, and with {@code SO_REUSEADDR} not with
     * connections still open or in TIME_WAIT from an earlier listener. Binding the sockets follows this
     * check without a lock in between: two processes that bind the same address in the same instant
     * may both pass it.
     */
    private static void requireNotListenedOn(InetSocketAddress address) throws IOException {
        try (Socket probe = new Socket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
        }
    }

    private static ServerBootstrap bootstrap(EventLoopGroup acceptor, EventLoopGroup children,
                                             ChannelFactory<ServerSocketChannel> sockets, ChannelHandler childHandler) {
        return new ServerBootstrap()
                .group(acceptor, children)
                .channelFactory(sockets)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY here: the transports' socket configs turn it on for every accepted
                // connection already, and setting it again cost each connection a system call.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                .childHandler(childHandler);
    }

    private static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address) {
        return bootstrap.bind(address).syncUninterruptibly().channel();
    }

    /** Closes {@code sockets} and waits until all of them are closed: none accepts any more. */
    static void close(List<Channel> sockets) {
        List<ChannelFuture> closing = sockets.stream().map(Channel::close).toList();
        closing.forEach(ChannelFuture::awaitUninterruptibly);
    }

    /** Stops the accept loop, if there is one; completes when it has stopped. */
    Future<?> shutdown() {
        return acceptLoop == null ? ImmediateEventExecutor.INSTANCE.newSucceededFuture(null)
                : acceptLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }
}
