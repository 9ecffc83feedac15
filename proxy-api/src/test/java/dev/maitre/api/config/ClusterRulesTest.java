package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClusterRulesTest {

    private static final String NAME = "a name such as api or web-1, of letters, digits, '.', '_' and '-'";

    private static ClusterConfig bindCluster(ConfigTree tree) throws ConfigException {
        return tree.bind().clusters().get(0);
    }

    @Test
    void requiresANameAndBackends() {
        assertThat(ConfigTree.minimal().remove("clusters[0].name").remove("clusters[0].backends").errors())
                .containsExactly(
                        "clusters[0].name: missing (expected: " + NAME + ")",
                        "clusters[0].backends: missing (expected: at least one backend)");
    }

    @Test
    void rejectsAnUnknownClusterKey() {
        assertThat(ConfigTree.minimal().set("clusters[0].healthcheck", map()).errors()).containsExactly(
                "clusters[0].healthcheck: unknown key (expected one of: name, balancer, backends, healthCheck, "
                        + "outlierDetection, timeouts, retries, pool, panicThreshold, hashOn, slowStart, tls, protocol, "
                        + "proxyProtocol, discovery)");
    }

    @Test
    void rejectsTheSameNameTwice() {
        assertThat(ConfigTree.minimal()
                .set("clusters[1]", map("name", "web", "backends", list(map("address", "127.0.0.1:9001"))))
                .errors())
                .containsExactly("clusters[1].name: web (expected: a name of its own; clusters[0] is also named web)");
    }

    @ParameterizedTest
    @EnumSource(BalancerKind.class)
    void bindsEveryBalancerByItsConfigName(BalancerKind kind) throws ConfigException {
        assertThat(bindCluster(ConfigTree.minimal().set("clusters[0].balancer", kind.configName())).balancer())
                .isEqualTo(kind);
    }

    @Test
    void rejectsAnUnknownBalancer() {
        assertThat(ConfigTree.minimal().set("clusters[0].balancer", "fastest").errors()).containsExactly(
                "clusters[0].balancer: fastest (expected: round_robin, weighted_round_robin, least_connections, "
                        + "power_of_two, random or consistent_hash)");
    }

    @Test
    void speaksHttp11ToBackendsUnlessTheProtocolSaysOtherwise() throws ConfigException {
        assertThat(bindCluster(ConfigTree.minimal()).protocol()).isEqualTo(BackendProtocol.HTTP1);
        assertThat(bindCluster(ConfigTree.minimal().set("clusters[0].protocol", "h2c")).protocol())
                .isEqualTo(BackendProtocol.H2C);
        assertThat(bindCluster(ConfigTree.minimal().set("clusters[0].protocol", "h2")
                .set("clusters[0].tls", map("enabled", true))).protocol()).isEqualTo(BackendProtocol.H2);
    }

    @Test
    void refusesAProtocolThatDoesNotFitTheClustersTls() {
        assertThat(ConfigTree.minimal().set("clusters[0].protocol", "h2").errors()).containsExactly(
                "clusters[0].protocol: h2 (expected: h2 with tls (HTTP/2 over TLS, chosen by ALPN); h2c for HTTP/2 "
                        + "in clear text)");
        assertThat(ConfigTree.minimal().set("clusters[0].protocol", "h2c").set("clusters[0].tls", map("enabled", true))
                .errors()).containsExactly(
                "clusters[0].protocol: h2c (expected: h2c without tls (HTTP/2 in clear text); h2 for HTTP/2 over TLS)");
        assertThat(ConfigTree.minimal().set("clusters[0].protocol", "http2").errors()).containsExactly(
                "clusters[0].protocol: http2 (expected: http1, h2 or h2c)");
    }

    @Test
    void rejectsEmptyBackends() {
        assertThat(ConfigTree.minimal().set("clusters[0].backends", list()).errors())
                .containsExactly("clusters[0].backends: empty (expected: at least one backend)");
    }

    @Test
    void rejectsABackendWithoutAddress() {
        assertThat(ConfigTree.minimal().set("clusters[0].backends[0]", map("weight", 2)).errors()).containsExactly(
                "clusters[0].backends[0].address: missing (expected: an address such as 10.0.0.11:8080)");
    }

    @Test
    void rejectsABackendAddressWithoutAUsablePort() {
        String expected = " (expected: host:port with a port of 1-65535)";
        for (String address : new String[] {"10.0.0.1", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:http"}) {
            assertThat(ConfigTree.minimal().set("clusters[0].backends[0].address", address).errors())
                    .containsExactly("clusters[0].backends[0].address: " + address + expected);
        }
    }

    @Test
    void rejectsTheSameBackendAddressTwiceInACluster() {
        assertThat(ConfigTree.minimal().set("clusters[0].backends[1]", map("address", "127.0.0.1:9000")).errors())
                .containsExactly("clusters[0].backends[1].address: 127.0.0.1:9000 (expected: an address of its own; "
                        + "clusters[0].backends[0] has it too)");
    }

    @Test
    void allowsTheSameBackendInTwoClusters() throws ConfigException {
        ProxyConfig config = ConfigTree.minimal()
                .set("clusters[1]", map("name", "api", "backends", list(map("address", "127.0.0.1:9000"))))
                .bind();

        assertThat(config.clusters()).hasSize(2);
    }

    @Test
    void bindsBackendWeightsFromOneTo1000() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal()
                .set("clusters[0].backends[0].weight", 1000)
                .set("clusters[0].backends[1]", map("address", "backend.internal:80", "weight", 1)));

        assertThat(cluster.backends()).containsExactly(
                new BackendConfig(new HostPort("127.0.0.1", 9000), 1000),
                new BackendConfig(new HostPort("backend.internal", 80), 1));
    }

    @Test
    void rejectsAWeightOutOfRange() {
        assertThat(ConfigTree.minimal().set("clusters[0].backends[0].weight", 0).errors())
                .containsExactly("clusters[0].backends[0].weight: 0 (expected: 1-1000)");
        assertThat(ConfigTree.minimal().set("clusters[0].backends[0].weight", 1001).errors())
                .containsExactly("clusters[0].backends[0].weight: 1001 (expected: 1-1000)");
        assertThat(ConfigTree.minimal().set("clusters[0].backends[0].weight", "heavy").errors())
                .containsExactly("clusters[0].backends[0].weight: heavy (expected: an integer)");
    }

    @Test
    void rejectsABackendThatIsNotAMapping() {
        assertThat(ConfigTree.minimal().set("clusters[0].backends[0]", "127.0.0.1:9000").errors())
                .containsExactly("clusters[0].backends[0]: 127.0.0.1:9000 (expected: a mapping)");
    }

    @Test
    void bindsOutlierDetection() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal().set("clusters[0].outlierDetection",
                map("consecutiveFailures", 3, "ejectionTime", "10s", "maxEjectionPercent", 100)));

        assertThat(cluster.outlierDetection())
                .isEqualTo(new OutlierDetectionConfig(3, Duration.ofSeconds(10), 100));
    }

    @Test
    void rejectsBadOutlierDetection() {
        assertThat(ConfigTree.minimal().set("clusters[0].outlierDetection",
                map("consecutiveFailures", 0, "ejectionTime", "0s", "maxEjectionPercent", 101)).errors())
                .containsExactly(
                        "clusters[0].outlierDetection.consecutiveFailures: 0 (expected: >= 1)",
                        "clusters[0].outlierDetection.ejectionTime: 0s (expected: > 0)",
                        "clusters[0].outlierDetection.maxEjectionPercent: 101 (expected: 0-100)");
    }

    @Test
    void bindsTimeoutsRetriesAndPool() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal()
                .set("clusters[0].timeouts", map("connect", "500ms", "response", "1m"))
                .set("clusters[0].retries", map("attempts", 0))
                .set("clusters[0].pool", map("maxIdle", 0, "idleTimeout", "2s")));

        assertThat(cluster.timeouts()).isEqualTo(new ClusterTimeouts(Duration.ofMillis(500), Duration.ofMinutes(1)));
        assertThat(cluster.retries()).isEqualTo(new RetryConfig(0));
        assertThat(cluster.pool()).isEqualTo(new PoolConfig(0, Duration.ofSeconds(2)));
    }

    @Test
    void rejectsZeroClusterTimeouts() {
        assertThat(ConfigTree.minimal().set("clusters[0].timeouts", map("connect", "0ms", "response", "30")).errors())
                .containsExactly(
                        "clusters[0].timeouts.connect: 0ms (expected: > 0)",
                        "clusters[0].timeouts.response: 30 (expected: a duration such as 500ms, 10s or 1m)");
    }

    @Test
    void acceptsAsManyRetryAttemptsAsTheEngineTakes() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal()
                .set("clusters[0].retries", map("attempts", RetryConfig.MAX_ATTEMPTS)));

        assertThat(cluster.retries().attempts()).isEqualTo(10);
    }

    @Test
    void bindsNonIdempotentRetries() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal()
                .set("clusters[0].retries", map("attempts", 1, "nonIdempotent", true)));

        assertThat(cluster.retries()).isEqualTo(new RetryConfig(1, true));
        assertThat(bindCluster(ConfigTree.minimal()).retries().nonIdempotent()).isFalse();
    }

    @Test
    void rejectsANonBooleanNonIdempotent() {
        assertThat(ConfigTree.minimal().set("clusters[0].retries.nonIdempotent", "yes").errors())
                .containsExactly("clusters[0].retries.nonIdempotent: yes (expected: true or false)");
    }

    @Test
    void rejectsAnUnknownRetryKey() {
        assertThat(ConfigTree.minimal().set("clusters[0].retries.perTry", "2s").errors())
                .containsExactly("clusters[0].retries.perTry: unknown key (expected one of: attempts, nonIdempotent, "
                        + "perTryTimeout)");
    }

    @Test
    void bindsAPerTryTimeoutShorterThanTheResponseTimeout() throws ConfigException {
        ClusterConfig cluster = bindCluster(ConfigTree.minimal()
                .set("clusters[0].retries", map("perTryTimeout", "500ms")));

        assertThat(cluster.retries().perTryTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(cluster.retries().limitsTries()).isTrue();
        assertThat(bindCluster(ConfigTree.minimal()).retries().limitsTries()).isFalse();
    }

    @Test
    void rejectsAPerTryTimeoutThatCouldNeverCutATryShort() {
        assertThat(ConfigTree.minimal().set("clusters[0].retries.perTryTimeout", "30s").errors())
                .containsExactly("clusters[0].retries.perTryTimeout: 30s (expected: < timeouts.response 30s)");
        assertThat(ConfigTree.minimal().set("clusters[0].timeouts", map("response", "1s"))
                .set("clusters[0].retries.perTryTimeout", "2s").errors())
                .containsExactly("clusters[0].retries.perTryTimeout: 2s (expected: < timeouts.response 1s)");
        assertThat(ConfigTree.minimal().set("clusters[0].retries.perTryTimeout", "0s").errors())
                .containsExactly("clusters[0].retries.perTryTimeout: 0s (expected: > 0)");
    }

    @Test
    void rejectsRetryAttemptsOutOfRange() {
        assertThat(ConfigTree.minimal().set("clusters[0].retries.attempts", 11).errors())
                .containsExactly("clusters[0].retries.attempts: 11 (expected: 0-10)");
        assertThat(ConfigTree.minimal().set("clusters[0].retries.attempts", -1).errors())
                .containsExactly("clusters[0].retries.attempts: -1 (expected: 0-10)");
    }

    @Test
    void rejectsABadPool() {
        assertThat(ConfigTree.minimal().set("clusters[0].pool", map("maxIdle", -1, "idleTimeout", "0s")).errors())
                .containsExactly(
                        "clusters[0].pool.maxIdle: -1 (expected: >= 0)",
                        "clusters[0].pool.idleTimeout: 0s (expected: > 0)");
    }

    @Test
    void bindsThePanicThresholdAsAFraction() throws ConfigException {
        assertThat(bindCluster(ConfigTree.minimal().set("clusters[0].panicThreshold", "50%")).panicThreshold())
                .isEqualTo(0.5);
        assertThat(bindCluster(ConfigTree.minimal().set("clusters[0].panicThreshold", 0)).panicThreshold())
                .isZero();
    }

    @Test
    void rejectsAPanicThresholdOutOfRange() {
        assertThat(ConfigTree.minimal().set("clusters[0].panicThreshold", "150%").errors())
                .containsExactly("clusters[0].panicThreshold: 150% (expected: 0%-100%)");
        assertThat(ConfigTree.minimal().set("clusters[0].panicThreshold", 0.5).errors())
                .containsExactly("clusters[0].panicThreshold: 0.5 (expected: a percentage such as 10% or 2.5%)");
    }

    @Test
    void bindsEveryHashOnForm() throws ConfigException {
        ConfigTree tree = ConfigTree.minimal().set("clusters[0].balancer", "consistent_hash");
        assertThat(bindCluster(tree).hashOn()).isEqualTo(HashOn.CLIENT_IP);
        assertThat(bindCluster(tree.set("clusters[0].hashOn", "clientIp")).hashOn()).isEqualTo(HashOn.CLIENT_IP);
        assertThat(bindCluster(tree.set("clusters[0].hashOn", "path")).hashOn()).isEqualTo(HashOn.PATH);
        assertThat(bindCluster(tree.set("clusters[0].hashOn", "header:X-User")).hashOn())
                .isEqualTo(HashOn.header("X-User"));
        assertThat(bindCluster(tree.set("clusters[0].hashOn", "cookie:session")).hashOn())
                .isEqualTo(HashOn.cookie("session"));
    }

    @Test
    void rejectsAHashOnItCannotRead() {
        for (String given : new String[] {"ip", "header:", "cookie", "header:a b", "query:id"}) {
            assertThat(ConfigTree.minimal().set("clusters[0].balancer", "consistent_hash")
                    .set("clusters[0].hashOn", given).errors())
                    .containsExactly("clusters[0].hashOn: " + given
                            + " (expected: clientIp, path, header:NAME or cookie:NAME)");
        }
    }

    @Test
    void rejectsHashOnWithABalancerThatDoesNotHash() {
        assertThat(ConfigTree.minimal().set("clusters[0].hashOn", "path").errors())
                .containsExactly("clusters[0].hashOn: path (expected: only with balancer: consistent_hash)");
    }

    @Test
    void bindsSlowStartForTheWeightedBalancers() throws ConfigException {
        for (String balancer : new String[] {"weighted_round_robin", "least_connections", "power_of_two", "random"}) {
            ConfigTree tree = ConfigTree.minimal().set("clusters[0].balancer", balancer);
            assertThat(bindCluster(tree).slowStart()).isZero();
            assertThat(bindCluster(tree.set("clusters[0].slowStart", "30s")).slowStart())
                    .isEqualTo(Duration.ofSeconds(30));
            assertThat(bindCluster(tree.set("clusters[0].slowStart", 0)).slowStart()).isZero();
        }
    }

    @Test
    void rejectsSlowStartThatIsNotADurationOrHasNothingToRamp() {
        assertThat(ConfigTree.minimal().set("clusters[0].balancer", "random")
                .set("clusters[0].slowStart", "30").errors())
                .containsExactly("clusters[0].slowStart: 30 (expected: a duration such as 500ms, 10s or 1m)");
        for (String balancer : new String[] {"round_robin", "consistent_hash"}) {
            assertThat(ConfigTree.minimal().set("clusters[0].balancer", balancer)
                    .set("clusters[0].slowStart", "30s").errors())
                    .containsExactly("clusters[0].slowStart: 30s (expected: only with balancer: "
                            + "weighted_round_robin, least_connections, power_of_two or random)");
        }
    }
}
