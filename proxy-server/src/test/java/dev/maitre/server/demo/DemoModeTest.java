package dev.maitre.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.api.config.RouteConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoModeTest {

    private static final List<HostPort> BACKENDS = List.of(
            HostPort.parse("127.0.0.1:9001"), HostPort.parse("127.0.0.1:9002"), HostPort.parse("127.0.0.1:40123"));

    @Test
    void theProxyListensOnLoopback8080AndSendsEverythingToTheDemoCluster() {
        ProxyConfig config = DemoMode.config(BACKENDS);

        assertThat(config.listeners()).singleElement().satisfies(listener -> {
            assertThat(listener.name()).isEqualTo("web");
            assertThat(listener.bind()).isEqualTo(new HostPort("127.0.0.1", 8080));
            assertThat(listener.protocol()).isEqualTo(Protocol.HTTP);
            assertThat(listener.routes()).containsExactly(RouteConfig.catchAll("demo"));
        });
    }

    @Test
    void theDemoClusterBalancesRoundRobinOverTheBackends() {
        ClusterConfig demo = DemoMode.config(BACKENDS).cluster("demo").orElseThrow();

        assertThat(demo.balancer()).isEqualTo(BalancerKind.ROUND_ROBIN);
        assertThat(demo.backends()).extracting(BackendConfig::address).containsExactlyElementsOf(BACKENDS);
        assertThat(demo.healthCheck()).isNotNull();
        assertThat(demo.healthCheck().path()).isEqualTo("/healthz");
    }

    @Test
    void theDemoChecksOftenEnoughToWatchABackendLeaveAndTheAdminApiIsOnLoopback9901() {
        ProxyConfig config = DemoMode.config(BACKENDS);
        ClusterConfig demo = config.cluster("demo").orElseThrow();

        assertThat(demo.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(demo.healthCheck().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(demo.healthCheck().unhealthyThreshold()).isEqualTo(2);
        assertThat(demo.healthCheck().healthyThreshold()).isEqualTo(2);
        assertThat(config.admin().bind()).isEqualTo(new HostPort("127.0.0.1", 9901));
    }

    @Test
    void theInstructionsGiveACurlLineAndEveryBackend() {
        String text = DemoMode.instructions(new InetSocketAddress("127.0.0.1", 8080),
                new InetSocketAddress("127.0.0.1", 9901), BACKENDS);

        assertThat(text).contains(
                "curl http://127.0.0.1:8080/\n",
                "curl -s http://127.0.0.1:9901/api/clusters",
                "curl -s http://127.0.0.1:9901/api/events",
                "curl -X POST http://127.0.0.1:9002/demo/stop\n",
                "curl -X POST http://127.0.0.1:9901/api/clusters/demo/backends/127.0.0.1:9001/drain\n",
                "curl -X POST http://127.0.0.1:9901/api/clusters/demo/backends/127.0.0.1:9001/enable\n",
                "backend 1  http://127.0.0.1:9001/",
                "backend 2  http://127.0.0.1:9002/",
                "backend 3  http://127.0.0.1:40123/");
    }

    @Test
    void theListenerNameMatchesTheConstantUsedToFindItsAddress() {
        assertThat(DemoMode.config(BACKENDS).listeners()).extracting(ListenerConfig::name).containsExactly(DemoMode.LISTENER);
    }
}
