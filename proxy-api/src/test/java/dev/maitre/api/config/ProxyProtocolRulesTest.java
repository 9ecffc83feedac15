package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.IpRange;
import org.junit.jupiter.api.Test;

/** A listener's {@code proxyProtocol} and a cluster's, as the binder reads them. */
class ProxyProtocolRulesTest {

    @Test
    void isOffOnBothSidesByDefault() throws ConfigException {
        ProxyConfig config = ConfigTree.minimal().bind();
        assertThat(config.listeners().get(0).proxyProtocol()).isFalse();
        assertThat(config.clusters().get(0).proxyProtocol()).isEqualTo(ProxyProtocolVersion.OFF);
    }

    @Test
    void anHttpListenerReadsTheHeaderFromItsTrustedProxies() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].proxyProtocol", true)
                .set("listeners[0].trustedProxies", list("10.0.0.0/8"))
                .bind().listeners().get(0);
        assertThat(listener.proxyProtocol()).isTrue();
        assertThat(listener.trustedProxies()).containsExactly(IpRange.parse("10.0.0.0/8"));
    }

    @Test
    void aTcpListenerWithProxyProtocolTakesTrustedProxies() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web",
                        "proxyProtocol", true, "trustedProxies", list("10.0.0.0/8")))
                .bind().listeners().get(0);
        assertThat(listener.proxyProtocol()).isTrue();
        assertThat(listener.trustedProxies()).containsExactly(IpRange.parse("10.0.0.0/8"));
    }

    @Test
    void aListenerWithProxyProtocolNeedsTrustedProxies() {
        assertThat(ConfigTree.minimal().set("listeners[0].proxyProtocol", true).errors())
                .containsExactly("listeners[0].proxyProtocol: true (expected: false, or true with trustedProxies: "
                        + "the peers that may send the header (every other peer is refused))");
        assertThat(ConfigTree.minimal().set("listeners[0].proxyProtocol", "v2").errors())
                .containsExactly("listeners[0].proxyProtocol: v2 (expected: true or false)");
    }

    @Test
    void aClusterSendsV1OrV2AndOffMayBeWrittenBare() throws ConfigException {
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", "v1").bind().clusters().get(0).proxyProtocol())
                .isEqualTo(ProxyProtocolVersion.V1);
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", "v2").bind().clusters().get(0).proxyProtocol())
                .isEqualTo(ProxyProtocolVersion.V2);
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", "off").bind().clusters().get(0).proxyProtocol())
                .isEqualTo(ProxyProtocolVersion.OFF);
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", false).bind().clusters().get(0).proxyProtocol())
                .as("YAML 1.1 reads a bare off as false").isEqualTo(ProxyProtocolVersion.OFF);
    }

    @Test
    void aClusterRefusesAnyOtherVersion() {
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", "v3").errors())
                .containsExactly("clusters[0].proxyProtocol: v3 (expected: off, v1 or v2)");
        assertThat(ConfigTree.minimal().set("clusters[0].proxyProtocol", true).errors())
                .containsExactly("clusters[0].proxyProtocol: true (expected: off, v1 or v2)");
    }
}
