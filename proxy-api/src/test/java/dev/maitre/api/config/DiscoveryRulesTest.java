package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryRulesTest {

    private static ConfigTree withDns(Object dns) {
        return ConfigTree.minimal().set("clusters[0].discovery", map("dns", dns));
    }

    @Test
    void aClusterWithoutDiscoveryHasOnlyItsBackends() throws ConfigException {
        assertThat(ConfigTree.minimal().bind().clusters().get(0).discovery()).isNull();
    }

    @Test
    void aNameAndPortGetTheDefaults() throws ConfigException {
        ClusterConfig cluster = withDns(map("name", "grpc.default.svc.cluster.local", "port", 50051)).bind()
                .clusters().get(0);

        assertThat(cluster.discovery().dns()).isEqualTo(DnsDiscoveryConfig.ofName("grpc.default.svc.cluster.local", 50051));
        assertThat(cluster.discovery().dns().minRefresh()).isEqualTo(Duration.ofSeconds(1));
        assertThat(cluster.discovery().dns().maxRefresh()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cluster.discovery().dns().resolvers()).isEmpty();
    }

    @Test
    void anSrvNameWithBoundsAndResolvers() throws ConfigException {
        DnsDiscoveryConfig dns = withDns(map("srv", "_grpc._tcp.grpc.default.svc.cluster.local",
                "minRefresh", "500ms", "maxRefresh", "1m", "resolvers", list("10.0.0.10:53", "[::1]:5353")))
                .bind().clusters().get(0).discovery().dns();

        assertThat(dns).isEqualTo(new DnsDiscoveryConfig(null, 0, "_grpc._tcp.grpc.default.svc.cluster.local",
                Duration.ofMillis(500), Duration.ofMinutes(1),
                List.of(new HostPort("10.0.0.10", 53), new HostPort("::1", 5353))));
    }

    @Test
    void withDiscoveryTheBackendsMayBeAbsentOrEmpty() throws ConfigException {
        ConfigTree absent = withDns(map("name", "web.internal", "port", 80)).remove("clusters[0].backends");
        ConfigTree empty = withDns(map("name", "web.internal", "port", 80)).set("clusters[0].backends", list());

        assertThat(absent.bind().clusters().get(0).backends()).isEmpty();
        assertThat(empty.bind().clusters().get(0).backends()).isEmpty();
    }

    @Test
    void withoutDiscoveryABackendIsStillRequired() {
        assertThat(ConfigTree.minimal().remove("clusters[0].backends").errors())
                .containsExactly("clusters[0].backends: missing (expected: at least one backend)");
    }

    @Test
    void errorsNameTheKeyPath() {
        assertThat(withDns(map("name", "web.internal")).errors()).containsExactly(
                "clusters[0].discovery.dns.port: missing (expected: the backends' port with name, 1-65535)");
        assertThat(withDns(map("name", "web.internal", "port", 0)).errors()).containsExactly(
                "clusters[0].discovery.dns.port: 0 (expected: 1-65535)");
        assertThat(withDns(map("srv", "_http._tcp.web.internal", "port", 80)).errors()).containsExactly(
                "clusters[0].discovery.dns.port: 80 (expected: no port with srv: each SRV record gives its own)");
        assertThat(withDns(map("name", "a.internal", "port", 80, "srv", "_x._tcp.b.internal")).errors())
                .containsExactly("clusters[0].discovery.dns.srv: _x._tcp.b.internal (expected: either name or srv, not both)");
        assertThat(withDns(map("port", 80)).errors()).containsExactly(
                "clusters[0].discovery.dns.name: missing (expected: name (with port) or srv)",
                "clusters[0].discovery.dns.port: 80 (expected: no port with srv: each SRV record gives its own)");
        assertThat(withDns(map("name", "not a name", "port", 80)).errors()).containsExactly(
                "clusters[0].discovery.dns.name: not a name (expected: a DNS name such as grpc.default.svc.cluster.local)");
        assertThat(withDns(map("name", "10.0.0.1", "port", 80)).errors()).containsExactly(
                "clusters[0].discovery.dns.name: 10.0.0.1 (expected: a DNS name such as grpc.default.svc.cluster.local)");
    }

    @Test
    void theRefreshBoundsMustBeInOrder() {
        assertThat(withDns(map("name", "web.internal", "port", 80, "minRefresh", "10s", "maxRefresh", "5s")).errors())
                .containsExactly("clusters[0].discovery.dns.maxRefresh: 5s (expected: >= minRefresh 10s)");
        assertThat(withDns(map("name", "web.internal", "port", 80, "minRefresh", "0s")).errors())
                .containsExactly("clusters[0].discovery.dns.minRefresh: 0s (expected: > 0)");
    }

    @Test
    void resolversAreAddressesWithPorts() {
        assertThat(withDns(map("name", "web.internal", "port", 80, "resolvers", list("dns.internal:53"))).errors())
                .containsExactly("clusters[0].discovery.dns.resolvers[0]: dns.internal:53 (expected: a DNS server's "
                        + "IP address and port such as 10.0.0.10:53)");
        assertThat(withDns(map("name", "web.internal", "port", 80, "resolvers", list())).errors())
                .containsExactly("clusters[0].discovery.dns.resolvers: empty (expected: a list of DNS servers such "
                        + "as [10.0.0.10:53]; leave resolvers out for the system's)");
    }

    @Test
    void unknownKeysAndAMissingDnsAreErrors() {
        assertThat(ConfigTree.minimal().set("clusters[0].discovery", map("consul", "x")).errors()).containsExactly(
                "clusters[0].discovery.consul: unknown key (expected one of: dns)",
                "clusters[0].discovery.dns: missing (expected: a dns mapping with name and port, or srv)");
        assertThat(withDns(map("name", "web.internal", "port", 80, "ttl", "5s")).errors()).containsExactly(
                "clusters[0].discovery.dns.ttl: unknown key (expected one of: name, port, srv, minRefresh, "
                        + "maxRefresh, resolvers)");
    }

    @Test
    void theRefreshIsTheTtlClampedIntoTheBounds() {
        DnsDiscoveryConfig dns = DnsDiscoveryConfig.ofName("web.internal", 80)
                .withRefresh(Duration.ofSeconds(2), Duration.ofSeconds(20));

        assertThat(dns.refreshAfter(Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(dns.refreshAfter(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(dns.refreshAfter(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(20));
    }
}
