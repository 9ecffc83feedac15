package dev.maitre.server.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.IpRange;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AccessLogFormat;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.DnsDiscoveryConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTlsConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerHeaders;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.ProxyProtocolVersion;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.api.config.RouteConfig;
import dev.maitre.api.config.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

    private static final ClusterConfig API = ClusterConfig.of("api", List.of(BackendConfig.of(HostPort.parse("10.0.0.1:80"))));
    private static final ListenerConfig WEB = ListenerConfig.http("web", HostPort.parse("127.0.0.1:8080"),
            List.of(RouteConfig.catchAll("api")));
    private static final ProxyConfig RUNNING = config(AdminConfig.defaults(), 2, List.of(WEB), List.of(API));

    private static ProxyConfig config(AdminConfig admin, int workers, List<ListenerConfig> listeners,
                                      List<ClusterConfig> clusters) {
        return new ProxyConfig(admin, workers, Duration.ofSeconds(30), AccessLogConfig.defaults(), listeners, clusters);
    }

    private static ListenerConfig web(HostPort bind, TlsConfig tls, List<RouteConfig> routes) {
        return new ListenerConfig("web", bind, WEB.protocol(), routes, null, tls, WEB.timeouts(), WEB.limits());
    }

    @Test
    void theSameConfigurationChangesNothing() {
        ConfigChanges changes = ConfigChanges.between(RUNNING, RUNNING);

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).isEmpty();
    }

    @Test
    void clustersAddedRemovedAndChangedApplyLive() {
        ClusterConfig moreBackends = ClusterConfig.of("api", List.of(BackendConfig.of(HostPort.parse("10.0.0.1:80")),
                BackendConfig.of(HostPort.parse("10.0.0.2:80"))));
        ClusterConfig web = ClusterConfig.of("web", List.of(BackendConfig.of(HostPort.parse("10.0.1.1:80"))));
        ProxyConfig before = config(AdminConfig.defaults(), 2, List.of(WEB), List.of(API, web));
        ProxyConfig after = config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(moreBackends, ClusterConfig.of("static", web.backends())));

        ConfigChanges changes = ConfigChanges.between(before, after);

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("cluster api changed", "cluster static added",
                "cluster web removed");
    }

    @Test
    void tlsToAClustersBackendsAppliesLive() {
        ClusterConfig secured = API.withTls(ClusterTlsConfig.defaults().withServerName("api.internal"));
        ProxyConfig withTls = config(AdminConfig.defaults(), 2, List.of(WEB), List.of(secured));

        ConfigChanges on = ConfigChanges.between(RUNNING, withTls);
        ConfigChanges renamed = ConfigChanges.between(withTls, config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(API.withTls(ClusterTlsConfig.defaults().withServerName("api.example")))));
        ConfigChanges alsoBalancer = ConfigChanges.between(withTls, config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(API.withBalancing(BalancerKind.RANDOM, API.hashOn(), API.slowStart()))));

        assertThat(on.appliesLive()).isTrue();
        assertThat(on.applied()).containsExactly("cluster api: tls changed (for new connections)");
        assertThat(renamed.applied()).containsExactly("cluster api: tls changed (for new connections)");
        assertThat(alsoBalancer.applied()).containsExactly("cluster api: tls changed (for new connections)",
                "cluster api changed");
    }

    @Test
    void aClustersDiscoveryAppliesLiveAndIsNamedAlone() {
        DiscoveryConfig dns = DiscoveryConfig.dns(DnsDiscoveryConfig.ofName("api.internal", 8080));
        ClusterConfig discovering = API.withDiscovery(dns);
        ClusterConfig moved = API.withDiscovery(DiscoveryConfig.dns(DnsDiscoveryConfig.ofSrv("_http._tcp.api.internal")));

        ConfigChanges added = ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(discovering)));
        ConfigChanges changed = ConfigChanges.between(config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(discovering)), config(AdminConfig.defaults(), 2, List.of(WEB), List.of(moved)));
        ConfigChanges removed = ConfigChanges.between(config(AdminConfig.defaults(), 2, List.of(WEB),
                List.of(discovering)), RUNNING);

        assertThat(added.appliesLive()).isTrue();
        assertThat(added.applied()).containsExactly(
                "cluster api: discovery added (DNS api.internal:8080, looked up afresh)");
        assertThat(changed.applied()).containsExactly(
                "cluster api: discovery changed (DNS SRV _http._tcp.api.internal, looked up afresh)");
        assertThat(removed.applied()).containsExactly(
                "cluster api: discovery removed (its backends found by DNS are dropped)");
    }

    @Test
    void allowingNonIdempotentRetriesIsAClusterChangeThatAppliesLive() {
        ClusterConfig retrying = new ClusterConfig(API.name(), API.balancer(), API.backends(), API.healthCheck(),
                API.outlierDetection(), API.timeouts(), new RetryConfig(2, true), API.pool(), API.panicThreshold(),
                API.hashOn(), API.slowStart());

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(WEB), List.of(retrying)));

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("cluster api changed");
    }

    @Test
    void theClientTimeoutAndPipelinedRequestsOfAListenerApplyLive() {
        ListenerConfig patient = new ListenerConfig("web", WEB.bind(), WEB.protocol(), WEB.routes(), null, null,
                new ListenerTimeouts(WEB.timeouts().requestHeader(), WEB.timeouts().idle(), Duration.ofMinutes(5)),
                WEB.limits());
        ListenerLimits limits = WEB.limits();
        ListenerConfig fewer = new ListenerConfig("web", WEB.bind(), WEB.protocol(), WEB.routes(), null, null,
                WEB.timeouts(), new ListenerLimits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(),
                        limits.maxBodyBytes(), limits.maxConnections(), 4));

        assertThat(ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2, List.of(patient), List.of(API)))
                .applied()).containsExactly("listener web: timeouts changed (for new connections)");
        assertThat(ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2, List.of(fewer), List.of(API)))
                .applied()).containsExactly("listener web: limits changed (for new connections)");
    }

    @Test
    void aBalancerChangeIsAClusterChange() {
        ClusterConfig leastConnections = API.withBalancing(BalancerKind.LEAST_CONNECTIONS, API.hashOn(), API.slowStart());

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(WEB), List.of(leastConnections)));

        assertThat(changes.applied()).containsExactly("cluster api changed");
    }

    @Test
    void newRoutesOfAListenerApplyLive() {
        ListenerConfig routed = web(WEB.bind(), null, List.of(new RouteConfig("api.example.com", "/", "api"),
                RouteConfig.catchAll("api")));

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(routed), List.of(API)));

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("listener web: routes changed");
    }

    @Test
    void aListenerMovedToAnotherAddressAppliesLive() {
        ListenerConfig moved = web(HostPort.parse("127.0.0.1:8081"), null, WEB.routes());

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(moved), List.of(API)));

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly(
                "listener web moved from 127.0.0.1:8080 (http) to 127.0.0.1:8081 (http)");
    }

    @Test
    void turningTlsOnAppliesToNewConnections() {
        ListenerConfig secured = web(WEB.bind(), new TlsConfig(Path.of("cert.pem"), Path.of("key.pem")), WEB.routes());

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(secured), List.of(API)));

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("listener web: tls changed (for new connections)");
    }

    @Test
    void changingTheRelayModeOfATcpListenerAppliesToNewConnections() {
        ListenerConfig db = new ListenerConfig("db", HostPort.parse("127.0.0.1:5433"), Protocol.TCP, List.of(), "api",
                null, WEB.timeouts(), WEB.limits());
        ProxyConfig before = config(AdminConfig.defaults(), 2, List.of(db), List.of(API));
        ProxyConfig after = config(AdminConfig.defaults(), 2, List.of(db.withRelay(RelayMode.SPLICE)), List.of(API));

        ConfigChanges changes = ConfigChanges.between(before, after);

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("listener db: relay changed (for new connections)");
    }

    @Test
    void trustedProxiesAndHeaderRulesApplyToNewConnections() {
        ListenerConfig trusting = WEB.withForwarding(List.of(IpRange.parse("10.0.0.0/8")), new ListenerHeaders(true));

        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(trusting), List.of(API)));

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly(
                "listener web: trustedProxies, headers changed (for new connections)");
    }
    @Test
    void upgradesAndTheTunnelIdleTimeoutApplyLive() {
        ListenerConfig noUpgrades = WEB.withUpgrades(List.of());
        ListenerTimeouts t = WEB.timeouts();
        ListenerConfig shortTunnels = new ListenerConfig("web", WEB.bind(), WEB.protocol(), WEB.routes(), null, null,
                new ListenerTimeouts(t.requestHeader(), t.idle(), t.client(), Duration.ofMinutes(5)), WEB.limits());

        ConfigChanges upgrades = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(noUpgrades), List.of(API)));
        ConfigChanges tunnels = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(shortTunnels), List.of(API)));

        assertThat(upgrades.appliesLive()).isTrue();
        assertThat(upgrades.applied()).containsExactly("listener web: upgrades changed (for new connections)");
        assertThat(tunnels.appliesLive()).isTrue();
        assertThat(tunnels.applied()).containsExactly("listener web: timeouts changed (for new connections)");
        assertThat(ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2,
                List.of(WEB.withUpgrades(List.of("WebSocket"))), List.of(API))).applied()).isEmpty();
    }

    @Test
    void proxyProtocolOnAListenerOrAClusterAppliesToNewConnections() {
        ListenerConfig reading = WEB.withProxyProtocol(List.of(IpRange.parse("10.0.0.0/8")), true);
        ClusterConfig sending = API.withProxyProtocol(ProxyProtocolVersion.V2);

        ConfigChanges listener = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(reading), List.of(API)));
        ConfigChanges cluster = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(WEB), List.of(sending)));

        assertThat(listener.appliesLive()).isTrue();
        assertThat(listener.applied()).containsExactly(
                "listener web: trustedProxies, proxyProtocol changed (for new connections)");
        assertThat(cluster.appliesLive()).isTrue();
        assertThat(cluster.applied()).containsExactly("cluster api: proxyProtocol changed to v2 (for new connections)");
    }

    @Test
    void http2SettingsApplyToNewConnections() {
        ListenerConfig fewerStreams = WEB.withHttp2(new ListenerHttp2(true, 10, 65_535, 16_384, 16_384));
        ListenerConfig http1Only = WEB.withHttp2(ListenerHttp2.disabled());

        ConfigChanges streams = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(fewerStreams), List.of(API)));
        ConfigChanges off = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(http1Only), List.of(API)));

        assertThat(streams.appliesLive()).isTrue();
        assertThat(streams.applied()).containsExactly("listener web: http2 changed (for new connections)");
        assertThat(off.appliesLive()).isTrue();
        assertThat(off.applied()).containsExactly("listener web: http2 changed (for new connections)");
        assertThat(ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2,
                List.of(WEB.withHttp2(ListenerHttp2.defaults())), List.of(API))).applied()).isEmpty();
    }

    @Test
    void listenersAddedOrRemovedApplyLive() {
        ListenerConfig other = ListenerConfig.http("other", HostPort.parse("127.0.0.1:8090"),
                List.of(RouteConfig.catchAll("api")));

        assertThat(ConfigChanges.between(RUNNING, config(AdminConfig.defaults(), 2, List.of(WEB, other), List.of(API)))
                .applied()).containsExactly("listener other added on 127.0.0.1:8090");
        ConfigChanges replaced = ConfigChanges.between(RUNNING,
                config(AdminConfig.defaults(), 2, List.of(other), List.of(API)));
        assertThat(replaced.appliesLive()).isTrue();
        assertThat(replaced.applied()).containsExactly("listener other added on 127.0.0.1:8090",
                "listener web on 127.0.0.1:8080 removed (its connections end after their current exchange)");
    }

    @Test
    void adminBindAndWorkersNeedARestart() {
        ConfigChanges changes = ConfigChanges.between(RUNNING,
                config(new AdminConfig(HostPort.parse("127.0.0.1:9902")), 4, List.of(WEB), List.of(API)));

        assertThat(changes.restartNeeded()).containsExactly(
                "admin.bind: changed from 127.0.0.1:9901 to 127.0.0.1:9902; a restart is needed",
                "workers: changed from 2 to 4; a restart is needed");
    }

    @Test
    void theAccessLogAndGracePeriodApplyLive() {
        ProxyConfig after = new ProxyConfig(AdminConfig.defaults(), 2, Duration.ofSeconds(5), new AccessLogConfig(true),
                List.of(WEB), List.of(API));

        ConfigChanges changes = ConfigChanges.between(RUNNING, after);

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("access log on (maitre, standard output)",
                "shutdownGracePeriod 5s");
    }

    @Test
    void anAccessLogsFormatAndFileApplyLive() {
        ProxyConfig before = new ProxyConfig(AdminConfig.defaults(), 2, Duration.ofSeconds(30),
                new AccessLogConfig(true), List.of(WEB), List.of(API));
        ProxyConfig after = new ProxyConfig(AdminConfig.defaults(), 2, Duration.ofSeconds(30),
                new AccessLogConfig(true, AccessLogFormat.JSON, "/var/log/maitre/access.log"), List.of(WEB), List.of(API));

        ConfigChanges changes = ConfigChanges.between(before, after);

        assertThat(changes.appliesLive()).isTrue();
        assertThat(changes.applied()).containsExactly("access log on (json, /var/log/maitre/access.log)");
    }

    @Test
    void anAccessLogThatStaysOffIsNoChange() {
        ProxyConfig after = new ProxyConfig(AdminConfig.defaults(), 2, Duration.ofSeconds(30),
                new AccessLogConfig(false, AccessLogFormat.JSON, "/var/log/maitre/access.log"), List.of(WEB), List.of(API));

        assertThat(ConfigChanges.between(RUNNING, after).applied()).isEmpty();
    }

    @Test
    void theAdminTokenAndShutdownDelayApplyLiveWithoutShowingTheToken() {
        AdminConfig withToken = new AdminConfig(AdminConfig.DEFAULT_BIND, "s3cret");
        ProxyConfig tokened = new ProxyConfig(withToken, 2, Duration.ofSeconds(3), Duration.ofSeconds(30),
                AccessLogConfig.defaults(), List.of(WEB), List.of(API));
        ProxyConfig retokened = new ProxyConfig(new AdminConfig(AdminConfig.DEFAULT_BIND, "other"), 2,
                Duration.ofSeconds(3), Duration.ofSeconds(30), AccessLogConfig.defaults(), List.of(WEB), List.of(API));

        assertThat(ConfigChanges.between(RUNNING, tokened).applied())
                .containsExactly("admin token set", "shutdownDelay 3s");
        assertThat(ConfigChanges.between(tokened, retokened).applied()).containsExactly("admin token changed");
        assertThat(ConfigChanges.between(retokened, RUNNING).applied())
                .containsExactly("admin token removed", "shutdownDelay 0s");
        assertThat(ConfigChanges.between(tokened, retokened).toString()).doesNotContain("s3cret", "other");
    }
}
