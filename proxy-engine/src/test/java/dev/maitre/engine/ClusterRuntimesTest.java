package dev.maitre.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.HashOn;
import dev.maitre.engine.balance.Balancers;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.testing.Configs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which clusters keep their balancer (and its state: turns, slow-start ramps) when the configuration changes. */
class ClusterRuntimesTest {

    private static final ClusterConfig API = Configs.cluster("api", "127.0.0.1:8081", "127.0.0.1:8082")
            .withBalancing(BalancerKind.WEIGHTED_ROUND_ROBIN, HashOn.CLIENT_IP, Duration.ofSeconds(10));

    private static Map<String, ClusterRuntime> running() {
        return Map.of("api", new ClusterRuntime(API, Balancers.create(API)));
    }

    private static ClusterRuntime next(Map<String, ClusterRuntime> current, ClusterConfig cluster) {
        return ProxyEngine.clusterRuntimes(Configs.withClusters(cluster), Map.of(), current).get("api");
    }

    @Test
    void anUnchangedClusterKeepsItsRuntime() {
        Map<String, ClusterRuntime> current = running();

        assertThat(next(current, API)).isSameAs(current.get("api"));
    }

    @Test
    void aClusterWhoseBackendsAloneChangedKeepsItsBalancer() {
        Map<String, ClusterRuntime> current = running();
        ClusterConfig grown = API.withBackends(List.of(API.backends().get(1),
                BackendConfig.of(HostPort.parse("127.0.0.1:8083"))));

        ClusterRuntime runtime = next(current, grown);

        assertThat(runtime.config()).isEqualTo(grown);
        assertThat(runtime.balancer()).isSameAs(current.get("api").balancer());
    }

    @Test
    void aClusterWithAnotherBalancerGetsANewOne() {
        Map<String, ClusterRuntime> current = running();

        ClusterRuntime runtime = next(current, API.withBalancing(BalancerKind.RANDOM, API.hashOn(), API.slowStart()));

        assertThat(runtime.balancer()).isNotSameAs(current.get("api").balancer());
    }
}
