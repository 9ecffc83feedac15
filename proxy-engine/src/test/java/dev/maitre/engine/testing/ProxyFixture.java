package dev.maitre.engine.testing;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.IpRange;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BackendProtocol;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.HashOn;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerHeaders;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.health.HealthView;
import dev.maitre.api.health.Outcome;
import dev.maitre.api.health.OutcomeListener;
import dev.maitre.engine.ProxyEngine;
import dev.maitre.engine.pool.Http2Liveness;
import dev.maitre.testing.RawClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Starts a real engine on a free loopback port in front of the given backends, every backend
 * eligible. Tests adjust the configuration through the builder.
 */
public final class ProxyFixture implements AutoCloseable {

    public static final String LISTENER = "web";
    public static final String CLUSTER = "app";

    private final ProxyEngine engine;
    private final List<Outcome> outcomes;

    private ProxyFixture(ProxyEngine engine, List<Outcome> outcomes) {
        this.engine = engine;
        this.outcomes = outcomes;
    }

    public static Builder builder(HostPort... backends) {
        return new Builder(List.of(backends));
    }

    public static ProxyFixture start(HostPort... backends) throws Exception {
        return builder(backends).start();
    }

    public ProxyEngine engine() {
        return engine;
    }

    public InetSocketAddress address() {
        return engine.address(LISTENER);
    }

    public RawClient client() throws java.io.IOException {
        return new RawClient(address());
    }

    /** Every outcome reported so far. */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    @Override
    public void close() {
        engine.shutdown(Duration.ZERO).join();
    }

    /** Configuration knobs tests need; everything else keeps its default. */
    public static final class Builder {
        private final List<HostPort> backends;
        private List<RouteConfig> routes;
        private final List<ClusterConfig> extraClusters = new ArrayList<>();
        private ListenerTimeouts listenerTimeouts = ListenerTimeouts.defaults();
        private ListenerLimits limits = ListenerLimits.defaults();
        private ClusterTimeouts clusterTimeouts = ClusterTimeouts.defaults();
        private RetryConfig retries = RetryConfig.defaults();
        private PoolConfig pool = PoolConfig.defaults();
        private int workers = 2;
        private boolean accessLog;
        private TlsConfig tls;
        private ClusterTlsConfig clusterTls;
        private BackendProtocol clusterProtocol = BackendProtocol.HTTP1;
        private Http2Liveness liveness = Http2Liveness.DEFAULT;
        private HealthView health;
        private BalancerKind balancer = BalancerKind.ROUND_ROBIN;
        private HashOn hashOn = HashOn.CLIENT_IP;
        private int[] weights;
        private Protocol protocol = Protocol.HTTP;
        private RelayMode relay = RelayMode.BUFFERED;
        private List<IpRange> trustedProxies = List.of();
        private ListenerHeaders headers = ListenerHeaders.defaults();
        private List<String> upgrades;
        private ListenerHttp2 http2;
        private boolean proxyProtocol;
        private ProxyProtocolVersion clusterProxyProtocol = ProxyProtocolVersion.OFF;

        Builder(List<HostPort> backends) {
            this.backends = backends;
        }

        public Builder routes(List<RouteConfig> value) {
            routes = value;
            return this;
        }

        public Builder cluster(String name, HostPort... members) {
            extraClusters.add(ClusterConfig.of(name, List.of(members).stream().map(BackendConfig::of).toList()));
            return this;
        }

        public Builder listenerTimeouts(Duration requestHeader, Duration idle) {
            listenerTimeouts = new ListenerTimeouts(requestHeader, idle, listenerTimeouts.client(),
                    listenerTimeouts.tunnelIdle());
            return this;
        }

        /** How long an exchange may wait on its client without progress ({@code timeouts.client}). */
        public Builder clientTimeout(Duration value) {
            listenerTimeouts = new ListenerTimeouts(listenerTimeouts.requestHeader(), listenerTimeouts.idle(), value,
                    listenerTimeouts.tunnelIdle());
            return this;
        }

        /** How long an upgraded connection may sit without a byte either way ({@code timeouts.tunnelIdle}). */
        public Builder tunnelIdle(Duration value) {
            listenerTimeouts = new ListenerTimeouts(listenerTimeouts.requestHeader(), listenerTimeouts.idle(),
                    listenerTimeouts.client(), value);
            return this;
        }

        /** The listener's {@code http2} settings. */
        public Builder http2(ListenerHttp2 value) {
            http2 = value;
            return this;
        }

        /** The listener's {@code upgrades}. */
        public Builder upgrades(String... protocols) {
            upgrades = List.of(protocols);
            return this;
        }

        /** What maitre speaks to the clusters' backends ({@code protocol: http1 | h2 | h2c}); h2 needs {@link #clusterTls}. */
        public Builder clusterProtocol(BackendProtocol value) {
            clusterProtocol = value;
            return this;
        }

        public Builder pipelinedRequests(int value) {
            limits = new ListenerLimits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), limits.maxBodyBytes(),
                    limits.maxConnections(), value);
            return this;
        }

        public Builder limits(ListenerLimits value) {
            limits = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            limits = new ListenerLimits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), value,
                    limits.maxConnections(), limits.pipelinedRequests());
            return this;
        }

        public Builder maxConnections(int value) {
            limits = new ListenerLimits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), limits.maxBodyBytes(),
                    value, limits.pipelinedRequests());
            return this;
        }

        public Builder clusterTimeouts(Duration connect, Duration response) {
            clusterTimeouts = new ClusterTimeouts(connect, response);
            return this;
        }

        public Builder retries(int attempts) {
            retries = new RetryConfig(attempts, retries.nonIdempotent(), retries.perTryTimeout());
            return this;
        }

        /** Whether non-idempotent requests may be sent again ({@code retries.nonIdempotent}). */
        public Builder nonIdempotentRetries(boolean value) {
            retries = new RetryConfig(retries.attempts(), value, retries.perTryTimeout());
            return this;
        }

        /** How long one try may wait for an answer head before another backend gets the request. */
        public Builder perTryTimeout(Duration value) {
            retries = new RetryConfig(retries.attempts(), retries.nonIdempotent(), value);
            return this;
        }

        public Builder pool(int maxIdle, Duration idleTimeout) {
            pool = new PoolConfig(maxIdle, idleTimeout);
            return this;
        }

        public Builder workers(int value) {
            workers = value;
            return this;
        }

        /** Health as the test decides it; by default every configured backend is eligible. */
        public Builder health(HealthView value) {
            health = value;
            return this;
        }

        public Builder balancer(BalancerKind value) {
            balancer = value;
            return this;
        }

        public Builder hashOn(HashOn value) {
            hashOn = value;
            return this;
        }

        /** The weights of the backends, in the order they were given. */
        public Builder weights(int... value) {
            weights = value.clone();
            return this;
        }

        /** The listener relays bytes to the cluster ({@code protocol: tcp}) instead of proxying HTTP. */
        public Builder tcp() {
            protocol = Protocol.TCP;
            return this;
        }

        /** How a tcp listener relays: buffered (the default) or spliced. */
        public Builder relay(RelayMode value) {
            relay = value;
            return this;
        }

        public Builder tls(TlsConfig value) {
            tls = value;
            return this;
        }

        /** The listener's {@code trustedProxies}, as CIDR blocks such as {@code 127.0.0.0/8}. */
        /** The cluster's backends are spoken to over TLS. */
        public Builder clusterTls(ClusterTlsConfig value) {
            clusterTls = value;
            return this;
        }

        /** When a silent HTTP/2 backend connection is sent a PING, and how long its acknowledgement may take. */
        public Builder http2Liveness(Duration pingAfter, Duration pingTimeout) {
            liveness = new Http2Liveness(pingAfter, pingTimeout);
            return this;
        }

        public Builder trustedProxies(String... ranges) {
            trustedProxies = List.of(ranges).stream().map(IpRange::parse).toList();
            return this;
        }

        /** The listener's {@code headers.allowUnderscores}. */
        public Builder allowUnderscores(boolean value) {
            headers = new ListenerHeaders(value);
            return this;
        }

        /** The listener reads a PROXY header from every connection; {@link #trustedProxies} names who may send it. */
        public Builder proxyProtocol(boolean value) {
            proxyProtocol = value;
            return this;
        }

        /** The cluster's backend connections open with a PROXY header of {@code value}. */
        public Builder clusterProxyProtocol(ProxyProtocolVersion value) {
            clusterProxyProtocol = value;
            return this;
        }

        public Builder accessLog(boolean value) {
            accessLog = value;
            return this;
        }

        public ProxyConfig config() {
            List<ClusterConfig> clusters = new ArrayList<>();
            List<BackendConfig> members = new ArrayList<>();
            for (int i = 0; i < backends.size(); i++) {
                members.add(new BackendConfig(backends.get(i), weights == null ? 1 : weights[i]));
            }
            clusters.add(new ClusterConfig(CLUSTER, balancer, members, null, null, clusterTimeouts, retries, pool, 0,
                    hashOn, Duration.ZERO, clusterTls).withProtocol(clusterProtocol)
                    .withProxyProtocol(clusterProxyProtocol));
            extraClusters.forEach(extra -> clusters.add(extra.withProtocol(clusterProtocol)));
            List<RouteConfig> listenerRoutes = protocol == Protocol.TCP ? List.of()
                    : routes != null ? routes : List.of(RouteConfig.catchAll(CLUSTER));
            ListenerConfig listener = new ListenerConfig(LISTENER, new HostPort("127.0.0.1", 0), protocol,
                    listenerRoutes, protocol == Protocol.TCP ? CLUSTER : null, tls, listenerTimeouts, limits, relay)
                    .withForwarding(trustedProxies, headers)
                    .withProxyProtocol(trustedProxies, proxyProtocol);
            if (upgrades != null) {
                listener = listener.withUpgrades(upgrades);
            }
            if (http2 != null) {
                listener = listener.withHttp2(http2);
            }
            return new ProxyConfig(AdminConfig.defaults(), workers, Duration.ofSeconds(5),
                    new AccessLogConfig(accessLog), List.of(listener), clusters);
        }

        public ProxyFixture start() throws Exception {
            ProxyConfig config = config();
            Map<String, List<Endpoint>> eligible = config.clusters().stream().collect(Collectors.toMap(
                    ClusterConfig::name,
                    c -> c.backends().stream()
                            .map(b -> new Endpoint(new BackendId(c.name(), b.address()), b.weight()))
                            .toList()));
            HealthView health = this.health != null ? this.health : cluster -> eligible.getOrDefault(cluster, List.of());
            List<Outcome> outcomes = new CopyOnWriteArrayList<>();
            OutcomeListener listener = outcomes::add;
            return new ProxyFixture(ProxyEngine.start(config, health, listener, liveness), outcomes);
        }
    }
}
