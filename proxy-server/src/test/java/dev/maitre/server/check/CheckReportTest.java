package dev.maitre.server.check;

import static dev.maitre.testing.Configs.checked;
import static dev.maitre.testing.Configs.cluster;
import static dev.maitre.testing.Configs.withClusters;
import static dev.maitre.server.check.HealthWindowsTest.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AdminConfig;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.DiscoveryConfig;
import dev.maitre.api.config.DnsDiscoveryConfig;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckReportTest {

    @Test
    void printsTheWindowsOfEveryCheckedCluster() {
        ProxyConfig config = withClusters(checked(cluster("api", "10.0.0.11:8080", "10.0.0.12:8080"),
                HealthCheckConfig.defaults()));

        String report = CheckReport.of("maitre.yaml", config);

        assertThat(report).contains(
                "  api: http check every 10s (jitter 10%, timeout 2s), down after 3 failures, up after 2 successes\n"
                + "    refused or reset  18-33 s\n"
                + "    black hole        20-35 s\n"
                + "    recovery          9-22 s (plus one check's round trip)\n");
    }

    @Test
    void namesWhatDnsDiscoveryLooksUp() {
        ClusterConfig grpc = ClusterConfig.of("grpc", List.of())
                .withDiscovery(DiscoveryConfig.dns(DnsDiscoveryConfig.ofName("grpc.default.svc.cluster.local", 50051)));
        ClusterConfig web = cluster("web", "10.0.0.21:80")
                .withDiscovery(DiscoveryConfig.dns(DnsDiscoveryConfig.ofSrv("_http._tcp.web.internal")));

        String report = CheckReport.of("maitre.yaml", withClusters(grpc, web));

        assertThat(report).contains("  grpc (round_robin): those DNS grpc.default.svc.cluster.local:50051 names\n",
                "  web (round_robin): 10.0.0.21:80, and those DNS SRV _http._tcp.web.internal names\n");
    }

    @Test
    void saysWhichClustersAreNotActivelyChecked() {
        String report = CheckReport.of("maitre.yaml", withClusters(cluster("web", "10.0.0.21:80")));

        assertThat(report).contains("  web: not actively checked");
        assertThat(report).doesNotContain("refused");
    }

    @Test
    void warnsAboutTimingOutsideTheRecommendedRanges() {
        ProxyConfig config = withClusters(checked(cluster("api", "10.0.0.11:8080"),
                check(Duration.ofSeconds(5), Duration.ofSeconds(1), 1, 2, 0.1)));

        String report = CheckReport.of("maitre.yaml", config);

        assertThat(report).contains(
                "    warning: healthCheck.interval: 5s (recommended: 10s to 30s)\n",
                "    warning: healthCheck.unhealthyThreshold: 1 (recommended: 2 to 3)\n");
    }

    @Test
    void summarisesListenersClustersAndBackends() {
        ClusterConfig api = ClusterConfig.of("api", List.of(
                new BackendConfig(HostPort.parse("10.0.0.11:8080"), 3), BackendConfig.of(HostPort.parse("10.0.0.12:8080"))));
        ClusterConfig pg = cluster("pg", "10.0.0.31:5432");
        ListenerConfig web = ListenerConfig.http("web", HostPort.parse("0.0.0.0:8080"), List.of(
                new RouteConfig("api.example.com", "/api", "api"), RouteConfig.catchAll("api")));
        ListenerConfig postgres = new ListenerConfig("postgres", HostPort.parse("0.0.0.0:5433"), Protocol.TCP,
                List.of(), "pg", null, ListenerTimeouts.defaults(), ListenerLimits.defaults());
        ProxyConfig config = new ProxyConfig(AdminConfig.defaults(), 4, Duration.ofSeconds(30),
                AccessLogConfig.defaults(), List.of(web, postgres), List.of(api, pg));

        String report = CheckReport.of("maitre.yaml", config);

        assertThat(report).startsWith(
                "configuration maitre.yaml is valid: 2 listeners, 2 clusters, 3 backends\n"
                + "  workers 4, shutdown grace period 30s, admin on 127.0.0.1:9901, access log off\n"
                + "listeners:\n"
                + "  web (http) on 0.0.0.0:8080: api.example.com/api -> api, * -> api\n"
                + "  postgres (tcp) on 0.0.0.0:5433 -> pg\n"
                + "clusters:\n"
                + "  api (round_robin): 10.0.0.11:8080 (weight 3), 10.0.0.12:8080\n"
                + "  pg (round_robin): 10.0.0.31:5432\n");
    }
}
