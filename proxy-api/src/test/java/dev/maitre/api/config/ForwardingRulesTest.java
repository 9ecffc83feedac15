package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.IpRange;
import org.junit.jupiter.api.Test;

/** {@code trustedProxies} and {@code headers} as the binder reads them. */
class ForwardingRulesTest {

    private static final String RANGE =
            "an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";

    @Test
    void trustsNobodyAndDropsUnderscoredNamesByDefault() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal().bind().listeners().get(0);
        assertThat(listener.trustedProxies()).isEmpty();
        assertThat(listener.headers().allowUnderscores()).isFalse();
    }

    @Test
    void bindsIpv4AndIpv6BlocksAndBareAddresses() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].trustedProxies", list("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"))
                .set("listeners[0].headers", map("allowUnderscores", true))
                .bind().listeners().get(0);
        assertThat(listener.trustedProxies()).containsExactly(IpRange.parse("10.0.0.0/8"),
                IpRange.parse("192.0.2.7/32"), IpRange.parse("2001:db8::/32"), IpRange.parse("::1/128"));
        assertThat(listener.headers().allowUnderscores()).isTrue();
    }

    @Test
    void namesTheIndexOfEachInvalidBlock() {
        assertThat(ConfigTree.minimal()
                .set("listeners[0].trustedProxies", list("10.0.0.0/8", "10.0.0.300/8", "proxy.internal", "10.0.0.1/8",
                        "2001:db8::/129", map("cidr", "10.0.0.0/8")))
                .errors())
                .containsExactly(
                        "listeners[0].trustedProxies[1]: 10.0.0.300/8 (expected: " + RANGE + ")",
                        "listeners[0].trustedProxies[2]: proxy.internal (expected: " + RANGE + ")",
                        "listeners[0].trustedProxies[3]: 10.0.0.1/8 (expected: " + RANGE
                                + "; the bits beyond the prefix must be zero: 10.0.0.0/8)",
                        "listeners[0].trustedProxies[4]: 2001:db8::/129 (expected: " + RANGE
                                + ", with a prefix length of 0-128)",
                        "listeners[0].trustedProxies[5]: a mapping (expected: " + RANGE + ")");
    }

    @Test
    void rejectsTrustedProxiesThatAreNotAList() {
        assertThat(ConfigTree.minimal().set("listeners[0].trustedProxies", "10.0.0.0/8").errors())
                .containsExactly("listeners[0].trustedProxies: 10.0.0.0/8 (expected: a list)");
    }

    @Test
    void rejectsAnUnknownHeadersKeyAndANonBoolean() {
        assertThat(ConfigTree.minimal().set("listeners[0].headers", map("allowUnderscore", true)).errors())
                .containsExactly("listeners[0].headers.allowUnderscore: unknown key (expected one of: allowUnderscores)");
        assertThat(ConfigTree.minimal().set("listeners[0].headers", map("allowUnderscores", "yes please")).errors())
                .containsExactly("listeners[0].headers.allowUnderscores: yes please (expected: true or false)");
    }

    @Test
    void rejectsForwardingSettingsOnATcpListener() {
        assertThat(ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web",
                        "trustedProxies", list("10.0.0.0/8"), "headers", map("allowUnderscores", true)))
                .errors())
                .containsExactly(
                        "listeners[0].trustedProxies: a list (expected: no trustedProxies on a tcp listener "
                                + "without proxyProtocol: true; it relays bytes and reads no forwarding headers)",
                        "listeners[0].headers: a mapping (expected: no headers on a tcp listener; it relays bytes)");
    }
}
