package dev.maitre.bench.ws;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
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
 * The socket transport of the load client and the echo backend: native epoll where it loads (as
 * maitre, nginx and HAProxy use epoll), NIO otherwise. One event loop each: the harness pins every
 * process to one core.
 */
final class Loopback {

    private Loopback() {
    }

    static EventLoopGroup newLoop(String name) {
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, false),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static ChannelFactory<SocketChannel> clientChannels() {
        return Epoll.isAvailable() ? EpollSocketChannel::new : NioSocketChannel::new;
    }

    static ChannelFactory<ServerSocketChannel> serverChannels() {
        return Epoll.isAvailable() ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
    }
}
