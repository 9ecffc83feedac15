package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReportingTest {

    @Test
    void reportsEveryErrorOfADocumentAtOnce() {
        ConfigTree tree = ConfigTree.designExample()
                .set("workers", 0)
                .set("listeners[0].protocol", "htp")
                .set("listeners[0].routes[1].cluster", "apii")
                .set("listeners[1].bogus", true)
                .set("clusters[0].healthCheck.timeout", "15s")
                .set("clusters[1].backends[0].weight", 0)
                .remove("clusters[2].backends");

        assertThat(tree.errors()).containsExactlyInAnyOrder(
                "workers: 0 (expected: 1-1024)",
                "listeners[0].protocol: htp (expected: http or tcp)",
                "listeners[0].routes[1].cluster: apii (expected: the name of a cluster: api, web, pg)",
                "listeners[1].bogus: unknown key (expected one of: name, bind, protocol, routes, cluster, relay, "
                        + "tls, timeouts, limits, trustedProxies, headers, upgrades, http2, proxyProtocol)",
                "clusters[0].healthCheck.timeout: 15s (expected: < interval 10s)",
                "clusters[1].backends[0].weight: 0 (expected: 1-1000)",
                "clusters[2].backends: missing (expected: at least one backend)");
    }

    @Test
    void namesTheLineOfEachKey() {
        Map<String, Integer> lines = Map.of(
                "workers", 3,
                "clusters[0].healthCheck.timeout", 40);
        ConfigTree tree = ConfigTree.designExample()
                .set("workers", 0)
                .set("clusters[0].healthCheck.timeout", "15s");

        assertThat(errors(tree, lines)).containsExactly(
                new ConfigError("workers", 3, "0 (expected: 1-1024)"),
                new ConfigError("clusters[0].healthCheck.timeout", 40, "15s (expected: < interval 10s)"));
    }

    @Test
    void reportsAMissingKeyAtTheLineOfItsMapping() {
        Map<String, Integer> lines = Map.of("clusters", 20, "clusters[2]", 31, "clusters[2].name", 31);
        ConfigTree tree = ConfigTree.designExample().remove("clusters[2].backends");

        assertThat(errors(tree, lines)).containsExactly(
                new ConfigError("clusters[2].backends", 31, "missing (expected: at least one backend)"));
    }

    @Test
    void ordersErrorsByLine() {
        Map<String, Integer> lines = Map.of(
                "workers", 2,
                "listeners[0].protocol", 7,
                "clusters[0].balancer", 25);
        ConfigTree tree = ConfigTree.designExample()
                .set("clusters[0].balancer", "fastest")
                .set("listeners[0].protocol", "htp")
                .set("workers", 0);

        assertThat(errors(tree, lines)).extracting(ConfigError::line).containsExactly(2, 7, 25);
    }

    @Test
    void printsEachErrorWithPathMessageAndLine() {
        assertThat(new ConfigError("clusters[1].healthCheck.timeout", 12, "15s (expected: < interval 10s)"))
                .hasToString("clusters[1].healthCheck.timeout: 15s (expected: < interval 10s) (line 12)");
        assertThatThrownBy(() -> ConfigBinder.bind(ConfigTree.minimal().set("workers", 0).root(),
                path -> path.equals("workers") ? 1 : 0))
                .hasMessage("workers: 0 (expected: 1-1024) (line 1)");
    }

    @Test
    void findsErrorsInsideAnInvalidListenerToo() {
        ConfigTree tree = ConfigTree.minimal()
                .remove("listeners[0].name")
                .set("listeners[0].limits", map("maxConnections", 0));

        assertThat(tree.errors()).hasSize(2);
    }

    private static List<ConfigError> errors(ConfigTree tree, Map<String, Integer> lines) {
        try {
            ConfigBinder.bind(tree.root(), path -> lines.getOrDefault(path, 0));
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors");
    }
}
