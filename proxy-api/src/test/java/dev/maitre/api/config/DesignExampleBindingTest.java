package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DesignExampleBindingTest {

    @Test
    void bindsTheTopLevelKeys() throws ConfigException {
        ProxyConfig config = ConfigTree.designExample().bind();

        assertThat(config.admin().bind()).isEqualTo(new HostPort("127.0.0.1", 9901));
        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.accessLog().enabled()).isFalse();
    }

    @Test
    void bindsAnHttpListenerWithItsRoutesInOrder() throws ConfigException {
        ListenerConfig web = ConfigTree.designExample().bind().listeners().get(0);

        assertThat(web.name()).isEqualTo("web");
        assertThat(web.bind()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(web.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(web.routes()).containsExactly(
                new RouteConfig("api.example.com", "/api", "api"),
                RouteConfig.catchAll("web"));
        assertThat(web.cluster()).isNull();
        assertThat(web.tls()).isNull();
        assertThat(web.timeouts()).isEqualTo(ListenerTimeouts.defaults());
        assertThat(web.limits()).isEqualTo(ListenerLimits.defaults());
    }

    @Test
    void bindsATcpListenerToItsCluster() throws ConfigException {
        ListenerConfig postgres = ConfigTree.designExample().bind().listeners().get(1);

        assertThat(postgres.name()).isEqualTo("postgres");
        assertThat(postgres.bind()).isEqualTo(new HostPort("0.0.0.0", 5433));
        assertThat(postgres.protocol()).isEqualTo(Protocol.TCP);
        assertThat(postgres.routes()).isEmpty();
        assertThat(postgres.cluster()).isEqualTo("pg");
    }

    @Test
    void bindsAClusterWithBackendsAndHealthCheck() throws ConfigException {
        ClusterConfig api = ConfigTree.designExample().bind().cluster("api").orElseThrow();

        assertThat(api.balancer()).isEqualTo(BalancerKind.ROUND_ROBIN);
        assertThat(api.backends()).containsExactly(
                new BackendConfig(new HostPort("10.0.0.11", 8080), 1),
                new BackendConfig(new HostPort("10.0.0.12", 8080), 1));
        HealthCheckConfig check = api.healthCheck();
        assertThat(check.protocol()).isEqualTo(CheckProtocol.HTTP);
        assertThat(check.path()).isEqualTo("/healthz");
        assertThat(check.host()).isNull();
        assertThat(check.expectStatus()).isEqualTo(StatusRanges.parse("200-399"));
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(check.unhealthyThreshold()).isEqualTo(3);
        assertThat(check.healthyThreshold()).isEqualTo(2);
        assertThat(check.jitter()).isEqualTo(0.10);
        assertThat(check.initialState()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void keepsClustersInConfigurationOrder() throws ConfigException {
        assertThat(ConfigTree.designExample().bind().clusters())
                .extracting(ClusterConfig::name)
                .containsExactly("api", "web", "pg");
    }

    @Test
    void bindsTheCommentedOutKeysOfTheExampleToo() throws ConfigException {
        ProxyConfig config = ConfigTree.designExample()
                .set("listeners[0].timeouts", ConfigTree.map("requestHeader", "10s", "idle", "60s"))
                .set("listeners[0].limits", ConfigTree.map(
                        "maxHeaderBytes", "16KiB", "maxBodyBytes", "100MiB", "maxConnections", 10000))
                .set("clusters[0].outlierDetection", ConfigTree.map("consecutiveFailures", 5, "ejectionTime", "30s"))
                .set("clusters[0].timeouts", ConfigTree.map("connect", "2s", "response", "30s"))
                .set("clusters[0].retries", ConfigTree.map("attempts", 2))
                .bind();

        ListenerConfig web = config.listeners().get(0);
        assertThat(web.timeouts()).isEqualTo(ListenerTimeouts.defaults());
        assertThat(web.limits()).isEqualTo(ListenerLimits.defaults());
        ClusterConfig api = config.clusters().get(0);
        assertThat(api.outlierDetection()).isEqualTo(OutlierDetectionConfig.defaults());
        assertThat(api.timeouts()).isEqualTo(ClusterTimeouts.defaults());
        assertThat(api.retries()).isEqualTo(RetryConfig.defaults());
    }
}
