package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.config.HealthCheckConfig.CheckProtocol;
import dev.maitre.api.health.HealthState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckRulesTest {

    private static ConfigTree withCheck(Object... keysAndValues) {
        return ConfigTree.minimal().set("clusters[0].healthCheck", map(keysAndValues));
    }

    private static HealthCheckConfig bindCheck(Object... keysAndValues) throws ConfigException {
        return withCheck(keysAndValues).bind().clusters().get(0).healthCheck();
    }

    @Test
    void bindsEveryKey() throws ConfigException {
        HealthCheckConfig check = bindCheck(
                "protocol", "http",
                "path", "/status",
                "host", "api.internal:8080",
                "expectStatus", 204,
                "interval", "30s",
                "timeout", "5s",
                "unhealthyThreshold", 2,
                "healthyThreshold", 3,
                "jitter", "2.5%",
                "initialState", "unhealthy");

        assertThat(check).isEqualTo(new HealthCheckConfig(CheckProtocol.HTTP, "/status", "api.internal:8080",
                StatusRanges.parse("204"), Duration.ofSeconds(30), Duration.ofSeconds(5), 2, 3, 0.025,
                HealthState.UNHEALTHY));
    }

    @Test
    void bindsATcpCheck() throws ConfigException {
        assertThat(bindCheck("protocol", "tcp").protocol()).isEqualTo(CheckProtocol.TCP);
    }

    @Test
    void rejectsHttpKeysOnATcpCheck() {
        assertThat(withCheck("protocol", "tcp", "path", "/healthz", "host", "a", "expectStatus", "200").errors())
                .containsExactly(
                        "clusters[0].healthCheck.path: /healthz (expected: no path on a tcp check)",
                        "clusters[0].healthCheck.host: a (expected: no host on a tcp check)",
                        "clusters[0].healthCheck.expectStatus: 200 (expected: no expectStatus on a tcp check)");
    }

    @Test
    void bindsAGrpcCheckOfTheWholeServerByDefault() throws ConfigException {
        HealthCheckConfig check = grpcCluster("protocol", "grpc").bind().clusters().get(0).healthCheck();

        assertThat(check.protocol()).isEqualTo(CheckProtocol.GRPC);
        assertThat(check.grpcService()).isEmpty();
        assertThat(check.host()).isNull();
    }

    @Test
    void bindsAGrpcCheckOfANamedServiceWithAHost() throws ConfigException {
        HealthCheckConfig check = grpcCluster("protocol", "grpc", "grpcService", "shop.Orders", "host", "orders.internal")
                .bind().clusters().get(0).healthCheck();

        assertThat(check.grpcService()).isEqualTo("shop.Orders");
        assertThat(check.host()).isEqualTo("orders.internal");
    }

    @Test
    void bindsAGrpcCheckOfAClusterSpokenToInH2() throws ConfigException {
        ConfigTree tree = withCheck("protocol", "grpc")
                .set("clusters[0].protocol", "h2").set("clusters[0].tls", map("enabled", true));

        assertThat(tree.bind().clusters().get(0).healthCheck().protocol()).isEqualTo(CheckProtocol.GRPC);
    }

    @Test
    void rejectsAGrpcCheckOfAClusterSpokenToInHttp1() {
        String expected = "clusters[0].healthCheck.protocol: grpc (expected: http or tcp; a gRPC service is reached "
                + "over HTTP/2: set the cluster's protocol to h2c or h2)";
        assertThat(withCheck("protocol", "grpc").errors()).containsExactly(expected);
        assertThat(withCheck("protocol", "grpc").set("clusters[0].protocol", "http1").errors())
                .containsExactly(expected);
    }

    @Test
    void aGrpcCheckDoesNotRepeatTheErrorOfAnInvalidClusterProtocol() {
        assertThat(withCheck("protocol", "grpc").set("clusters[0].protocol", "h2").errors()).containsExactly(
                "clusters[0].protocol: h2 (expected: h2 with tls (HTTP/2 over TLS, chosen by ALPN); h2c for HTTP/2 "
                        + "in clear text)");
    }

    @Test
    void rejectsPathAndExpectStatusOnAGrpcCheck() {
        assertThat(grpcCluster("protocol", "grpc", "path", "/healthz", "expectStatus", "200").errors())
                .containsExactly(
                        "clusters[0].healthCheck.path: /healthz (expected: no path on a grpc check)",
                        "clusters[0].healthCheck.expectStatus: 200 (expected: no expectStatus on a grpc check)");
    }

    @Test
    void rejectsGrpcServiceOnAnHttpOrTcpCheck() {
        assertThat(grpcCluster("grpcService", "shop.Orders").errors()).containsExactly(
                "clusters[0].healthCheck.grpcService: shop.Orders (expected: only with protocol: grpc)");
        assertThat(grpcCluster("protocol", "tcp", "grpcService", "shop.Orders").errors()).containsExactly(
                "clusters[0].healthCheck.grpcService: shop.Orders (expected: only with protocol: grpc)");
    }

    @Test
    void rejectsAGrpcServiceWithAControlCharacter() {
        assertThat(grpcCluster("protocol", "grpc", "grpcService", "shop\nOrders").errors()).containsExactly(
                "clusters[0].healthCheck.grpcService: shop\nOrders (expected: a gRPC service name such as "
                        + "my.package.Service)");
    }

    @Test
    void aGrpcServiceNeedsAGrpcCheckOutsideTheBinderToo() {
        assertThatThrownBy(() -> new HealthCheckConfig(CheckProtocol.HTTP, "/healthz", null,
                StatusRanges.parse("200"), Duration.ofSeconds(10), Duration.ofSeconds(2), 3, 2, 0.1,
                HealthState.HEALTHY, "shop.Orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("grpcService: shop.Orders (expected: only with protocol grpc)");
    }

    @Test
    void rejectsAnUnknownProtocolOrInitialState() {
        assertThat(withCheck("protocol", "udp", "initialState", "dead").errors()).containsExactly(
                "clusters[0].healthCheck.protocol: udp (expected: http, tcp or grpc)",
                "clusters[0].healthCheck.initialState: dead (expected: healthy or unhealthy)");
    }

    @Test
    void rejectsAnUnknownKey() {
        assertThat(withCheck("retries", 3).errors()).containsExactly(
                "clusters[0].healthCheck.retries: unknown key (expected one of: protocol, path, host, expectStatus, "
                        + "interval, timeout, unhealthyThreshold, healthyThreshold, jitter, initialState, "
                        + "grpcService)");
    }

    /** A check of a cluster spoken to in h2c, as gRPC checks need. */
    private static ConfigTree grpcCluster(Object... keysAndValues) {
        return withCheck(keysAndValues).set("clusters[0].protocol", "h2c");
    }

    @Test
    void rejectsAHealthCheckWithoutValue() {
        assertThat(ConfigTree.minimal().set("clusters[0].healthCheck", null).errors())
                .containsExactly("clusters[0].healthCheck: no value (expected: a mapping)");
    }

    @Test
    void rejectsAPathWithoutLeadingSlash() {
        assertThat(withCheck("path", "healthz").errors())
                .containsExactly("clusters[0].healthCheck.path: healthz (expected: a path starting with /)");
    }

    @Test
    void rejectsAMalformedHost() {
        assertThat(withCheck("host", "bad host").errors()).containsExactly(
                "clusters[0].healthCheck.host: bad host (expected: a host name such as api.example.com, "
                        + "with an optional :port)");
    }

    @Test
    void rejectsAnInvalidExpectStatus() {
        assertThat(withCheck("expectStatus", "600").errors()).containsExactly(
                "clusters[0].healthCheck.expectStatus: 600 (expected: status codes or ranges of 100-599, "
                        + "such as 200-399 or 200,204)");
    }

    @Test
    void rejectsATimeoutNotShorterThanTheInterval() {
        assertThat(withCheck("interval", "10s", "timeout", "15s").errors())
                .containsExactly("clusters[0].healthCheck.timeout: 15s (expected: < interval 10s)");
        assertThat(withCheck("timeout", "10s").errors())
                .containsExactly("clusters[0].healthCheck.timeout: 10s (expected: < interval 10s)");
    }

    @Test
    void rejectsAnIntervalNotLongerThanTheDefaultTimeout() {
        assertThat(withCheck("interval", "2s").errors())
                .containsExactly("clusters[0].healthCheck.interval: 2s (expected: > timeout 2s)");
    }

    @Test
    void acceptsAShortIntervalWithAShorterTimeout() throws ConfigException {
        HealthCheckConfig check = bindCheck("interval", "1s", "timeout", "500ms");

        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(check.timeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsZeroIntervalAndTimeoutWithoutComparingThem() {
        assertThat(withCheck("interval", "0s", "timeout", 0).errors()).containsExactly(
                "clusters[0].healthCheck.interval: 0s (expected: > 0)",
                "clusters[0].healthCheck.timeout: 0 (expected: > 0)");
    }

    @Test
    void rejectsThresholdsBelowOne() {
        assertThat(withCheck("unhealthyThreshold", 0, "healthyThreshold", 0).errors()).containsExactly(
                "clusters[0].healthCheck.unhealthyThreshold: 0 (expected: >= 1)",
                "clusters[0].healthCheck.healthyThreshold: 0 (expected: >= 1)");
    }

    @Test
    void acceptsJitterFromZeroToFiftyPercent() throws ConfigException {
        assertThat(bindCheck("jitter", 0).jitter()).isZero();
        assertThat(bindCheck("jitter", "50%").jitter()).isEqualTo(0.5);
    }

    @Test
    void rejectsJitterAboveFiftyPercentOrWithoutPercentSign() {
        assertThat(withCheck("jitter", "60%").errors())
                .containsExactly("clusters[0].healthCheck.jitter: 60% (expected: 0%-50%)");
        assertThat(withCheck("jitter", 0.1).errors())
                .containsExactly("clusters[0].healthCheck.jitter: 0.1 (expected: a percentage such as 10% or 2.5%)");
    }
}
