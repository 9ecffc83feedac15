package dev.maitre.engine.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll on Linux when its library loads, Java NIO otherwise. The system
 * property {@code maitre.transport=nio} forces NIO.
 */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    private final String displayName;
    private final Class<? extends ServerSocketChannel> serverChannelClass;
    private final Class<? extends SocketChannel> channelClass;

    Transport(String displayName, Class<? extends ServerSocketChannel> serverChannelClass,
              Class<? extends SocketChannel> channelClass) {
        this.displayName = displayName;
        this.serverChannelClass = serverChannelClass;
        this.channelClass = channelClass;
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

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return serverChannelClass;
    }

    public Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    /** A group of {@code threads} event loops named {@code prefix-N}. */
    public MultiThreadIoEventLoopGroup newGroup(int threads, String prefix) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), factory);
    }
}
