package dev.maitre.engine.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
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
    EPOLL("epoll", EpollRearm::newServerSocketChannel, EpollRearm::newSocketChannel),
    NIO("nio", NioServerSocketChannel::new, NioSocketChannel::new);

    private final String displayName;
    private final ChannelFactory<ServerSocketChannel> serverChannelFactory;
    private final ChannelFactory<SocketChannel> channelFactory;

    Transport(String displayName, ChannelFactory<ServerSocketChannel> serverChannelFactory,
              ChannelFactory<SocketChannel> channelFactory) {
        this.displayName = displayName;
        this.serverChannelFactory = serverChannelFactory;
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

    /** Outgoing connections, for {@code Bootstrap.channelFactory}. */
    public ChannelFactory<SocketChannel> channelFactory() {
        return channelFactory;
    }

    /** A group of {@code threads} event loops named {@code prefix-N}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String prefix) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), factory);
    }
}
