package dev.maitre.server.admin;

import dev.maitre.api.Causes;
import dev.maitre.api.HostPort;
import dev.maitre.engine.transport.Transport;
import dev.maitre.server.history.TrafficHistory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin API (DESIGN.md §4) on its own small HTTP server: one event loop thread
 * ({@code maitre-admin}) apart from the data plane, so that neither slows the other. Requests are
 * small and answered from the health monitor's snapshots, without blocking; reloads run on a thread
 * of their own ({@code maitre-reload}), and the dashboard's history is sampled on another
 * ({@code maitre-history}, see {@link TrafficHistory}). Every request is first checked by {@link AdminGuard}.
 */
public final class AdminServer implements AutoCloseable {

    /** Admin requests carry no body worth speaking of; anything larger is refused with 413. */
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel channel;
    private final ExecutorService reloads;
    private final TrafficHistory history;

    private AdminServer(EventLoopGroup group, Channel channel, ExecutorService reloads, TrafficHistory history) {
        this.group = group;
        this.channel = channel;
        this.reloads = reloads;
        this.history = history;
    }

    /**
     * Serves the admin API of {@code target} on {@code bind}.
     *
     * @throws AdminStartException when the address cannot be bound (the message names it)
     */
    public static AdminServer start(HostPort bind, AdminTarget target) throws AdminStartException {
        HealthViews views = new HealthViews(target::config, target::activeRequests, target::openTunnels,
                target::origin);
        ExecutorService reloads = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "maitre-reload");
            thread.setDaemon(true);
            return thread;
        });
        TrafficHistory history = new TrafficHistory(() -> target.health().snapshot(), target.requestTotals(),
                System::currentTimeMillis);
        AdminRouter router = new AdminRouter(List.of(
                new ClustersResource(target::health, views),
                new BackendCommandResource(target::health, views),
                new EventsResource(target::health, views),
                new HistoryResource(history),
                new ListenersResource(target::config, target::listenerAddress, target::listenerConnections),
                new ReloadResource(target::reload, reloads),
                new LivenessResource(),
                new ReadinessResource(target::ready),
                new MetricsResource(target::metrics),
                new DashboardResource()));
        AdminGuard guard = new AdminGuard(new AdminHosts(bind), () -> target.config().admin().token());
        try {
            AdminServer server = start(bind, guard, router, reloads, history);
            history.start();
            return server;
        } catch (AdminStartException | RuntimeException e) {
            reloads.shutdownNow();
            throw e;
        }
    }

    private static AdminServer start(HostPort bind, AdminGuard guard, AdminRouter router, ExecutorService reloads,
                                     TrafficHistory history) throws AdminStartException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "maitre-admin");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channelFactory(transport.serverChannelFactory())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new AdminHandler(guard, router));
                    }
                });
        try {
            Channel channel = bootstrap.bind(new InetSocketAddress(bind.host(), bind.port())).syncUninterruptibly().channel();
            return new AdminServer(group, channel, reloads, history);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
            throw new AdminStartException("admin API: cannot bind " + bind + ": " + Causes.rootMessage(e)
                    + " (admin.bind must name a free address)", e);
        }
    }

    /** Where the admin API listens (useful when configured with port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops listening and closes the admin connections; a reload still running is left to end. */
    @Override
    public void close() {
        history.close();
        reloads.shutdown();
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
