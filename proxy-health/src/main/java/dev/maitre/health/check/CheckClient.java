package dev.maitre.health.check;

import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.health.time.HealthScheduler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The small Netty client that active checks run on: one event loop thread of its own (native epoll
 * where available, NIO otherwise; {@code -Dmaitre.transport=nio} forces NIO) and an asynchronous DNS
 * resolver, so that neither a slow backend nor a slow name server blocks anything. Its
 * {@link #scheduler() scheduler} runs on the same loop, so checks and their timers share one thread.
 */
public final class CheckClient implements CheckerFactory, AutoCloseable {

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelClass;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final HealthScheduler scheduler;
    private final String transport;

    private CheckClient(boolean epoll) {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends DatagramChannel> datagramClass = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        this.transport = epoll ? "epoll" : "nio";
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("maitre-health", true), io);
        this.loop = group.next();
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagramClass));
        this.scheduler = HealthScheduler.on(loop);
        // the resolver reads the system's DNS setup when first asked; not during a check's time
        loop.submit(() -> resolver.getResolver(loop)).syncUninterruptibly();
    }

    /** Starts the client's event loop. */
    public static CheckClient start() {
        boolean nio = "nio".equalsIgnoreCase(System.getProperty("maitre.transport"));
        return start(!nio && Epoll.isAvailable());
    }

    /** Starts the client's event loop on epoll or on NIO. */
    static CheckClient start(boolean epoll) {
        return new CheckClient(epoll);
    }

    /** A scheduler on the client's event loop and the system clocks. */
    public HealthScheduler scheduler() {
        return scheduler;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName() {
        return transport;
    }

    @Override
    public Checker create(HealthCheckConfig config) {
        return create(config, null);
    }

    @Override
    public Checker create(HealthCheckConfig config, CheckTls tls) {
        return create(config, tls, BackendProtocol.HTTP1);
    }

    @Override
    public Checker create(HealthCheckConfig config, CheckTls tls, BackendProtocol protocol) {
        return create(config, tls, protocol, ProxyProtocolVersion.OFF);
    }

    @Override
    public Checker create(HealthCheckConfig config, CheckTls tls, BackendProtocol protocol,
                          ProxyProtocolVersion proxyProtocol) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.timeout().toMillis())))
                .option(ChannelOption.TCP_NODELAY, true);
        if (proxyProtocol.sends()) {
            bootstrap.handler(ProxyHeaderFirst.of(proxyProtocol));
        }
        return switch (config.protocol()) {
            case HTTP -> protocol.http2()
                    ? new Http2Checker(bootstrap, loop, config, tls)
                    : new HttpChecker(bootstrap, loop, config, tls);
            case GRPC -> new GrpcChecker(bootstrap, loop, config, tls);
            case TCP -> new TcpChecker(bootstrap, loop, config.timeout(), tls);
        };
    }

    /** Stops the event loop; checks in flight end with it. */
    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
