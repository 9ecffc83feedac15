package dev.maitre.server.demo;

import dev.maitre.api.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** One demo backend: a listening socket and the connections it accepted, served by {@link DemoHttpHandler}. */
final class DemoBackend {

    private final int number;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private HostPort address;

    private DemoBackend(int number) {
        this.number = number;
    }

    /** Listens on {@code preferredPort} of loopback, or on a free port when that one is taken. */
    static DemoBackend start(int number, int preferredPort, EventLoopGroup group) throws IOException {
        DemoBackend backend = new DemoBackend(number);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        backend.channels.add(channel);
                        channel.pipeline().addLast(new HttpServerCodec(), new DemoHttpHandler(backend));
                    }
                });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(loopback, preferredPort)).awaitUninterruptibly();
        if (!bound.isSuccess() && bound.cause() instanceof BindException && preferredPort != 0) {
            bound = bootstrap.bind(new InetSocketAddress(loopback, 0)).awaitUninterruptibly();
        }
        if (!bound.isSuccess()) {
            throw new IOException("demo backend " + number + " cannot listen on " + loopback.getHostAddress()
                    + ": " + bound.cause().getMessage(), bound.cause());
        }
        Channel listener = bound.channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        backend.address = new HostPort(address.getAddress().getHostAddress(), address.getPort());
        backend.channels.add(listener);
        return backend;
    }

    int number() {
        return number;
    }

    HostPort address() {
        return address;
    }

    /** Stops listening and closes every connection, as a crashed backend would; returns at once. */
    ChannelGroupFuture stop() {
        return channels.close();
    }
}
