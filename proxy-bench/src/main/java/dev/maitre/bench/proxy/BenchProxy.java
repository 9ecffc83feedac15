package dev.maitre.bench.proxy;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.ProxyEngine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The real engine, in-process, with one listener on a free loopback port in front of one backend
 * that is always eligible (no health checks), no access log and, unless asked for more, one worker
 * event loop, as in the comparison against one-threaded proxies.
 */
final class BenchProxy implements AutoCloseable {

    static final int WORKERS = 1;
    private static final String LISTENER = "bench";
    private static final String CLUSTER = "backend";

    private final ProxyEngine engine;

    private BenchProxy(ProxyEngine engine) {
        this.engine = engine;
    }

    /** An HTTP listener; {@code poolMaxIdle} 0 opens a new backend connection per request. */
    static BenchProxy http(InetSocketAddress backend, int poolMaxIdle) throws Exception {
        return http(backend, poolMaxIdle, WORKERS);
    }

    /** An HTTP listener served by {@code workers} event loops, each accepting on a socket of its own on epoll. */
    static BenchProxy http(InetSocketAddress backend, int poolMaxIdle, int workers) throws Exception {
        return start(Protocol.HTTP, backend, poolMaxIdle, RelayMode.BUFFERED, workers);
    }

    /** A tcp (L4) listener: a new backend connection per client connection, bytes relayed buffered. */
    static BenchProxy tcp(InetSocketAddress backend) throws Exception {
        return tcp(backend, RelayMode.BUFFERED);
    }

    /** A tcp (L4) listener that relays in {@code relay} mode. */
    static BenchProxy tcp(InetSocketAddress backend, RelayMode relay) throws Exception {
        return start(Protocol.TCP, backend, PoolConfig.DEFAULT_MAX_IDLE, relay, WORKERS);
    }

    private static BenchProxy start(Protocol protocol, InetSocketAddress backend, int poolMaxIdle, RelayMode relay,
                                    int workers) throws Exception {
        HostPort address = new HostPort(backend.getHostString(), backend.getPort());
        ClusterConfig cluster = new ClusterConfig(CLUSTER, BalancerKind.ROUND_ROBIN, List.of(BackendConfig.of(address)),
                null, null, ClusterTimeouts.defaults(), RetryConfig.defaults(),
                new PoolConfig(poolMaxIdle, PoolConfig.DEFAULT_IDLE_TIMEOUT), 0);
        boolean tcp = protocol == Protocol.TCP;
        ListenerConfig listener = new ListenerConfig(LISTENER, new HostPort("127.0.0.1", 0), protocol,
                tcp ? List.of() : List.of(RouteConfig.catchAll(CLUSTER)), tcp ? CLUSTER : null, null,
                ListenerTimeouts.defaults(), ListenerLimits.defaults(), tcp ? relay : RelayMode.BUFFERED);
        ProxyConfig config = new ProxyConfig(AdminConfig.defaults(), workers, Duration.ofSeconds(1),
                new AccessLogConfig(false), List.of(listener), List.of(cluster));
        List<Endpoint> eligible = List.of(new Endpoint(new BackendId(CLUSTER, address), 1));
        HealthView health = name -> CLUSTER.equals(name) ? eligible : List.of();
        return new BenchProxy(ProxyEngine.start(config, health, OutcomeListener.NOOP));
    }

    InetSocketAddress address() {
        return engine.address(LISTENER);
    }

    /** Client connections open now. */
    int openConnections() {
        return engine.openConnections();
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ZERO).join();
    }
}
