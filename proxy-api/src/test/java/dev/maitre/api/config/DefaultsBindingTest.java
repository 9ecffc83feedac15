package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultsBindingTest {

    @Test
    void fillsEveryTopLevelDefault() throws ConfigException {
        ProxyConfig config = ConfigTree.minimal().bind();

        assertThat(config.admin().bind()).isEqualTo(new HostPort("127.0.0.1", 9901));
        assertThat(config.workers()).isEqualTo(ProxyConfig.defaultWorkers());
        assertThat(config.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.accessLog().enabled()).isFalse();
    }

    @Test
    void fillsEveryListenerDefault() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal().bind().listeners().get(0);

        assertThat(listener).isEqualTo(ListenerConfig.http("web", new HostPort("127.0.0.1", 8080),
                List.of(RouteConfig.catchAll("web"))));
        assertThat(listener.timeouts().requestHeader()).isEqualTo(Duration.ofSeconds(10));
        assertThat(listener.timeouts().idle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(listener.limits().maxRequestLineBytes()).isEqualTo(8 * 1024);
        assertThat(listener.limits().maxHeaderBytes()).isEqualTo(16 * 1024);
        assertThat(listener.limits().maxBodyBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(listener.limits().maxConnections()).isEqualTo(10_000);
    }

    @Test
    void fillsEveryClusterDefault() throws ConfigException {
        ClusterConfig cluster = ConfigTree.minimal().bind().clusters().get(0);

        assertThat(cluster).isEqualTo(ClusterConfig.of("web",
                List.of(BackendConfig.of(new HostPort("127.0.0.1", 9000)))));
        assertThat(cluster.balancer()).isEqualTo(BalancerKind.ROUND_ROBIN);
        assertThat(cluster.backends().get(0).weight()).isEqualTo(1);
        assertThat(cluster.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cluster.timeouts().response()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cluster.retries().attempts()).isEqualTo(2);
        assertThat(cluster.pool().maxIdle()).isEqualTo(1024);
        assertThat(cluster.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cluster.panicThreshold()).isZero();
        assertThat(cluster.hashOn()).isEqualTo(HashOn.CLIENT_IP);
        assertThat(cluster.slowStart()).isZero();
    }

    @Test
    void leavesAClusterWithoutHealthCheckUnchecked() throws ConfigException {
        ClusterConfig cluster = ConfigTree.minimal().bind().clusters().get(0);

        assertThat(cluster.healthCheck()).isNull();
        assertThat(cluster.outlierDetection()).isNull();
    }

    @Test
    void checksWithEveryDefaultWhenHealthCheckIsEmpty() throws ConfigException {
        HealthCheckConfig check = ConfigTree.minimal().set("clusters[0].healthCheck", map())
                .bind().clusters().get(0).healthCheck();

        assertThat(check).isEqualTo(HealthCheckConfig.defaults());
        assertThat(check.protocol()).isEqualTo(CheckProtocol.HTTP);
        assertThat(check.path()).isEqualTo("/healthz");
        assertThat(check.expectStatus().contains(200)).isTrue();
        assertThat(check.expectStatus().contains(399)).isTrue();
        assertThat(check.expectStatus().contains(400)).isFalse();
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(check.unhealthyThreshold()).isEqualTo(3);
        assertThat(check.healthyThreshold()).isEqualTo(2);
        assertThat(check.jitter()).isEqualTo(0.10);
        assertThat(check.initialState()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void ejectsWithEveryDefaultWhenOutlierDetectionIsEmpty() throws ConfigException {
        OutlierDetectionConfig outliers = ConfigTree.minimal().set("clusters[0].outlierDetection", map())
                .bind().clusters().get(0).outlierDetection();

        assertThat(outliers.consecutiveFailures()).isEqualTo(5);
        assertThat(outliers.ejectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(outliers.maxEjectionPercent()).isEqualTo(50);
    }

    @Test
    void emptySectionsMeanTheirDefaults() throws ConfigException {
        ProxyConfig config = ConfigTree.minimal()
                .set("admin", map())
                .set("accessLog", map())
                .set("listeners[0].timeouts", map())
                .set("listeners[0].limits", map())
                .set("clusters[0].timeouts", map())
                .set("clusters[0].retries", map())
                .set("clusters[0].pool", map())
                .bind();

        assertThat(config).isEqualTo(ConfigTree.minimal().bind());
    }
}
