package dev.maitre.server;

import static dev.maitre.server.Configs.cluster;
import static dev.maitre.server.Configs.withClusters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.ClusterConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticHealthViewTest {

    @Test
    void everyBackendIsEligibleInConfigurationOrderWithItsWeight() {
        ClusterConfig api = ClusterConfig.of("api", List.of(
                new BackendConfig(HostPort.parse("10.0.0.12:8080"), 3), BackendConfig.of(HostPort.parse("10.0.0.11:8080"))));
        StaticHealthView view = StaticHealthView.allBackendsOf(withClusters(api, cluster("web", "10.0.0.21:80")));

        assertThat(view.eligible("api")).containsExactly(
                new Endpoint(new BackendId("api", HostPort.parse("10.0.0.12:8080")), 3),
                new Endpoint(new BackendId("api", HostPort.parse("10.0.0.11:8080")), 1));
        assertThat(view.eligible("web")).containsExactly(
                new Endpoint(new BackendId("web", HostPort.parse("10.0.0.21:80")), 1));
    }

    @Test
    void anUnknownClusterHasNoEligibleBackend() {
        StaticHealthView view = StaticHealthView.allBackendsOf(withClusters(cluster("web", "10.0.0.21:80")));

        assertThat(view.eligible("api")).isEmpty();
    }

    @Test
    void theSameImmutableListIsReturnedEveryTime() {
        StaticHealthView view = StaticHealthView.allBackendsOf(withClusters(cluster("web", "10.0.0.21:80")));

        List<Endpoint> eligible = view.eligible("web");

        assertThat(view.eligible("web")).isSameAs(eligible);
        assertThatThrownBy(() -> eligible.add(eligible.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }
}
