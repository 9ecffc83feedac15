package dev.maitre.engine.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll on Linux when its library loads, Java NIO otherwise. The system
 * property {@code maitre.transport=nio} forces NIO. Epoll connections carry
 * {@link EpollRearm}, so a half-close does not stop them from being written to.
 */
public enum Transport {
    EPOLL("epoll", EpollRearm::newServerSocketChannel, Transport::newReusePortServerChannel,
            EpollRearm::newSocketChannel),
    NIO("nio", NioServerSocketChannel::new, null, NioSocketChannel::new);

    private final String displayName;
    private final ChannelFactory<ServerSocketChannel> serverChannelFactory;
    private final ChannelFactory<ServerSocketChannel> sharedServerChannelFactory;
    private final ChannelFactory<SocketChannel> channelFactory;

    Transport(String displayName, ChannelFactory<ServerSocketChannel> serverChannelFactory,
              ChannelFactory<ServerSocketChannel> sharedServerChannelFactory,
              ChannelFactory<SocketChannel> channelFactory) {
        this.displayName = displayName;
        this.serverChannelFactory = serverChannelFactory;
        this.sharedServerChannelFactory = sharedServerChannelFactory;
        this.channelFactory = channelFactory;
    }

    /** The best transport available here. */
    public static Transport best() {
        if ("nio".equalsIgnoreCase(System.getProperty("maitre.transport"))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public String displayName() {
        return displayName;
    }

    /** Listening sockets, for {@code ServerBootstrap.channelFactory}. */
    public ChannelFactory<ServerSocketChannel> serverChannelFactory() {
        return serverChannelFactory;
    }

    /**
     * Whether every event loop can accept on a listening socket of its own, all of them bound to the
     * same address ({@code SO_REUSEPORT}, the kernel spreading new connections over them): on epoll.
     * Java NIO keeps one accept loop that hands connections to the others.
     */
    public boolean acceptsOnEveryLoop() {
        return sharedServerChannelFactory != null;
    }

    /**
     * Listening sockets bound with {@code SO_REUSEPORT}, so that one per event loop can share an
     * address, for {@code ServerBootstrap.channelFactory}.
     *
     * @throws UnsupportedOperationException when {@link #acceptsOnEveryLoop()} is false
     */
    public ChannelFactory<ServerSocketChannel> sharedServerChannelFactory() {
        if (sharedServerChannelFactory == null) {
            throw new UnsupportedOperationException("transport " + displayName + " has one accept loop");
        }
        return sharedServerChannelFactory;
    }

    /** Outgoing connections, for {@code Bootstrap.channelFactory}. */
    public ChannelFactory<SocketChannel> channelFactory() {
        return channelFactory;
    }

    private static ServerSocketChannel newReusePortServerChannel() {
        EpollServerSocketChannel channel = EpollRearm.newServerSocketChannel();
        channel.config().setReusePort(true);
        return channel;
    }

    /**
     * For a connection whose own handler tells of its end of input ({@link #inputEnded}): takes off
     * the handler that would otherwise, saving an idle connection a pipeline context. Any transport.
     */
    public static void handOverInputEnd(Channel channel) {
        EpollRearm.remove(channel);
    }

    /** Puts back the handler {@link #handOverInputEnd} took off, for a connection whose handler leaves. */
    public static void takeBackInputEnd(Channel channel) {
        EpollRearm.add(channel);
    }

    /** The input of {@code channel}, handed over by {@link #handOverInputEnd}, ended: its output stays writable. */
    public static void inputEnded(Channel channel) {
        EpollRearm.inputEnded(channel);
    }

    /** A group of {@code threads} event loops named {@code prefix-N}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String prefix) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), factory);
    }
}
