package dev.maitre.engine.pool;

import dev.maitre.api.BackendId;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.health.HealthView;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
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

    private final BackendConnector connector;
    private final HealthView health;
    private final Http2Liveness liveness;
    private final FastThreadLocal<LoopPools> perLoop = new FastThreadLocal<>();

    public BackendPools(BackendConnector connector, HealthView health) {
        this(connector, health, Http2Liveness.DEFAULT);
    }

    /** Pools whose HTTP/2 connections are judged alive by {@code liveness}. */
    public BackendPools(BackendConnector connector, HealthView health, Http2Liveness liveness) {
        this.connector = connector;
        this.health = health;
        this.liveness = liveness;
    }

    /** The pool of {@code endpoint}, spoken to in clear text, on {@code loop}; must be called on that loop. */
    public BackendPool pool(EventLoop loop, Endpoint endpoint, ClusterConfig cluster) {
        return pool(loop, endpoint, cluster, null);
    }

    /**
     * The pool of {@code endpoint} on {@code loop}, whose connections speak {@code tls} (clear text when
     * null); must be called on that loop.
     */
    public BackendPool pool(EventLoop loop, Endpoint endpoint, ClusterConfig cluster, BackendTls tls) {
        LoopPools pools = perLoop.get();
        if (pools == null) {
            pools = new LoopPools(loop);
            perLoop.set(pools);
        }
        return pools.pool(endpoint, cluster, tls);
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
         * The pool of {@code endpoint}. After a reload changed the backend's weight or its cluster's pool,
         * connect or TLS settings (a renewed CA bundle or client certificate included), the old pool
         * closes its idle connections and takes none back, and a new one takes its place.
         */
        BackendPool pool(Endpoint endpoint, ClusterConfig cluster, BackendTls tls) {
            BackendPool pool = pools.get(endpoint.id());
            if (pool != null && !settings.get(endpoint.id()).match(endpoint, cluster, tls)) {
                pool.closeAll();
                pool = null;
            }
            if (pool == null) {
                pool = new BackendPool(endpoint, connector, bootstrap(cluster), tls, cluster.pool().maxIdle(),
                        cluster.pool().idleTimeout().toNanos(), loop.ticker(), cluster.protocol().http2(),
                        cluster.proxyProtocol());
                pools.put(endpoint.id(), pool);
                settings.put(endpoint.id(),
                        new PoolSettings(endpoint, cluster.pool(), cluster.timeouts().connect(), tls, cluster.protocol(),
                                cluster.proxyProtocol()));
            }
            return pool;
        }

        private Bootstrap bootstrap(ClusterConfig cluster) {
            if (cluster.protocol().http2()) {
                return connector.bootstrap(loop, cluster, Http2Session.initializer(cluster.tlsEnabled(), liveness));
            }
            return connector.bootstrap(loop, cluster, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
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
            for (BackendPool pool : pools.values()) {
                if (pool.idleCount() > 0 && !health.eligible(pool.endpoint().cluster()).contains(pool.endpoint())) {
                    pool.closeIdle();
                } else {
                    pool.closeExpired();
                }
            }
        }
    }

    /** What a pool is made with; a pool serves only requests that want the same. */
    private record PoolSettings(Endpoint endpoint, PoolConfig pool, Duration connectTimeout, BackendTls tls,
                                BackendProtocol protocol, ProxyProtocolVersion proxyProtocol) {

        /** Compares without making a record per request; a reload makes a new {@link BackendTls} only for a change. */
        boolean match(Endpoint wantedEndpoint, ClusterConfig cluster, BackendTls wantedTls) {
            return endpoint.equals(wantedEndpoint) && pool.equals(cluster.pool())
                    && connectTimeout.equals(cluster.timeouts().connect()) && tls == wantedTls
                    && protocol == cluster.protocol() && proxyProtocol == cluster.proxyProtocol();
        }
    }
}
