package dev.maitre.engine.pool;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.engine.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * All backend pools of an engine: one {@link BackendPool} per event loop and backend, created on
 * first use. A pool is only ever touched from its own loop, which is what makes it lock-free.
 */
public final class BackendPools {

    private static final long SWEEP_MILLIS = 250;

    /**
     * The kernel receive buffer of a backend connection. When a backend closes its connection, the
     * epoll transport reads everything the kernel holds for it at once, whether or not a read was
     * asked for; a fixed buffer keeps that, and so what a slow client makes maitre hold, to a few
     * hundred KiB instead of the megabytes receive auto-tuning grows to. The cost is a window of
     * this size: about 128 MB/s per connection to a backend 1 ms away.
     */
    private static final int RECEIVE_BUFFER_BYTES = 128 * 1024;

    private final Transport transport;
    private final ChannelGroup backendChannels;
    private final HealthView health;
    private final FastThreadLocal<LoopPools> perLoop = new FastThreadLocal<>();

    public BackendPools(Transport transport, ChannelGroup backendChannels, HealthView health) {
        this.transport = transport;
        this.backendChannels = backendChannels;
        this.health = health;
    }

    /** The pool of {@code endpoint} on {@code loop}; must be called on that loop. */
    public BackendPool pool(EventLoop loop, Endpoint endpoint, ClusterConfig cluster) {
        LoopPools pools = perLoop.get();
        if (pools == null) {
            pools = new LoopPools(loop);
            perLoop.set(pools);
        }
        return pools.pool(endpoint, cluster);
    }

    /** Closes the idle connections of the calling loop and keeps none from now on. */
    public void closeIdleOnThisLoop() {
        LoopPools pools = perLoop.getIfExists();
        if (pools != null) {
            pools.pools.values().forEach(BackendPool::closeAll);
        }
    }

    private final class LoopPools {
        private final EventLoop loop;
        private final Map<BackendId, BackendPool> pools = new HashMap<>();
        private final Map<BackendId, PoolSettings> settings = new HashMap<>();

        LoopPools(EventLoop loop) {
            this.loop = loop;
            loop.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }

        /**
         * The pool of {@code endpoint}. After a reload changed the backend's weight or its cluster's pool
         * or connect settings, the old pool closes its idle connections and takes none back, and a new
         * one takes its place.
         */
        BackendPool pool(Endpoint endpoint, ClusterConfig cluster) {
            BackendPool pool = pools.get(endpoint.id());
            if (pool != null && !settings.get(endpoint.id()).match(endpoint, cluster)) {
                pool.closeAll();
                pool = null;
            }
            if (pool == null) {
                pool = new BackendPool(endpoint, bootstrap(cluster), cluster.pool().maxIdle(),
                        cluster.pool().idleTimeout().toNanos());
                pools.put(endpoint.id(), pool);
                settings.put(endpoint.id(), new PoolSettings(endpoint, cluster.pool(), cluster.timeouts().connect()));
            }
            return pool;
        }

        private Bootstrap bootstrap(ClusterConfig cluster) {
            return new Bootstrap()
                    .group(loop)
                    .channelFactory(transport.channelFactory())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.min(Integer.MAX_VALUE, cluster.timeouts().connect().toMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            backendChannels.add(ch);
                            ch.pipeline().addLast("http", new BackendCodec());
                            ch.pipeline().addLast("backend", new BackendConnection());
                        }
                    });
        }

        /**
         * Closes idle connections past their idle timeout, and every idle connection of a backend
         * that may no longer get requests (drained, unhealthy or removed), so none is kept open to it.
         */
        private void sweep() {
            long now = System.nanoTime();
            for (BackendPool pool : pools.values()) {
                if (pool.idleCount() > 0 && !health.eligible(pool.endpoint().cluster()).contains(pool.endpoint())) {
                    pool.closeIdle();
                } else {
                    pool.closeExpired(now);
                }
            }
        }
    }

    /** What a pool is made with; a pool serves only requests that want the same. */
    private record PoolSettings(Endpoint endpoint, PoolConfig pool, Duration connectTimeout) {

        /** Compares without making a record per request. */
        boolean match(Endpoint wantedEndpoint, ClusterConfig cluster) {
            return endpoint.equals(wantedEndpoint) && pool.equals(cluster.pool())
                    && connectTimeout.equals(cluster.timeouts().connect());
        }
    }
}
