package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code upgrades} and {@code timeouts.tunnelIdle} as the binder reads them. */
class UpgradeRulesTest {

    private static final String PROTOCOL = "a protocol name such as websocket, or a name and version such as "
            + "websocket/13, of letters, digits and !#$%&'*+-.^_`|~";
    private static final String NO_H2C = "a protocol other than h2c; an upgrade to clear-text HTTP/2 would let "
            + "requests reach the backend past the proxy's routing and checks (request smuggling)";

    private static ListenerConfig bind(Object upgrades) throws ConfigException {
        return ConfigTree.minimal().set("listeners[0].upgrades", upgrades).bind().listeners().get(0);
    }

    @Test
    void anHttpListenerAllowsWebSocketAndATunnelIdlesForAnHourByDefault() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal().bind().listeners().get(0);

        assertThat(listener.upgrades()).containsExactly("websocket");
        assertThat(listener.timeouts().tunnelIdle()).isEqualTo(Duration.ofHours(1));
        assertThat(listener.allowsUpgrade("websocket")).isTrue();
        assertThat(listener.allowsUpgrade("h2c")).isFalse();
    }

    @Test
    void bindsAListLowerCasedWithVersions() throws ConfigException {
        ListenerConfig listener = bind(list("WebSocket", "MyProto/2.0", "x-custom!"));

        assertThat(listener.upgrades()).containsExactly("websocket", "myproto/2.0", "x-custom!");
    }

    @Test
    void keepsAProtocolListedTwiceOnce() throws ConfigException {
        assertThat(bind(list("websocket", "WEBSOCKET", "websocket/13")).upgrades())
                .containsExactly("websocket", "websocket/13");
    }

    @Test
    void anEmptyListAllowsNoUpgrade() throws ConfigException {
        ListenerConfig listener = bind(list());

        assertThat(listener.upgrades()).isEmpty();
        assertThat(listener.allowsUpgrade("websocket")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2c", "H2C", "h2C/1", "H2c/2.0"})
    void refusesH2cInAnySpellingNamingTheKey(String h2c) {
        assertThat(ConfigTree.minimal().set("listeners[0].upgrades", list("websocket", h2c)).errors())
                .containsExactly("listeners[0].upgrades[1]: " + h2c + " (expected: " + NO_H2C + ")");
    }

    @Test
    void refusesEntriesThatAreNotProtocolTokens() {
        assertThat(ConfigTree.minimal()
                .set("listeners[0].upgrades", list("web socket", "websocket/", "/13", "a/b/c", "tls,websocket",
                        "wébsocket", "", map("name", "websocket"), true))
                .errors())
                .containsExactly(
                        "listeners[0].upgrades[0]: web socket (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[1]: websocket/ (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[2]: /13 (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[3]: a/b/c (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[4]: tls,websocket (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[5]: wébsocket (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[6]: \"\" (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[7]: a mapping (expected: " + PROTOCOL + ")",
                        "listeners[0].upgrades[8]: true (expected: " + PROTOCOL + ")");
    }

    @Test
    void refusesUpgradesThatAreNotAList() {
        assertThat(ConfigTree.minimal().set("listeners[0].upgrades", "websocket").errors())
                .containsExactly("listeners[0].upgrades: websocket (expected: a list)");
        assertThat(ConfigTree.minimal().set("listeners[0].upgrades", null).errors())
                .containsExactly("listeners[0].upgrades: no value (expected: a list)");
    }

    @Test
    void refusesUpgradesOnATcpListenerAndGivesItNone() throws ConfigException {
        ConfigTree tcp = ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web"));
        assertThat(tcp.bind().listeners().get(0).upgrades()).isEmpty();

        assertThat(tcp.set("listeners[0].upgrades", list("websocket")).errors()).containsExactly(
                "listeners[0].upgrades: a list (expected: no upgrades on a tcp listener; it relays bytes and reads "
                        + "no HTTP)");
    }

    @Test
    void bindsTunnelIdleBesideTheOtherTimeouts() throws ConfigException {
        ListenerConfig listener = ConfigTree.minimal()
                .set("listeners[0].timeouts", map("idle", "30s", "tunnelIdle", "10m"))
                .bind().listeners().get(0);

        assertThat(listener.timeouts()).isEqualTo(new ListenerTimeouts(ListenerTimeouts.DEFAULT_REQUEST_HEADER,
                Duration.ofSeconds(30), ListenerTimeouts.DEFAULT_CLIENT, Duration.ofMinutes(10)));
    }

    @Test
    void refusesAZeroOrMalformedTunnelIdle() {
        assertThat(ConfigTree.minimal().set("listeners[0].timeouts", map("tunnelIdle", "0s")).errors())
                .containsExactly("listeners[0].timeouts.tunnelIdle: 0s (expected: > 0)");
        assertThat(ConfigTree.minimal().set("listeners[0].timeouts", map("tunnelIdle", 3600)).errors())
                .containsExactly(
                        "listeners[0].timeouts.tunnelIdle: 3600 (expected: a duration such as 500ms, 10s or 1m)");
        assertThat(ConfigTree.minimal().set("listeners[0].timeouts", map("tunnelidle", "1h")).errors())
                .containsExactly("listeners[0].timeouts.tunnelidle: unknown key (expected one of: requestHeader, "
                        + "idle, client, tunnelIdle)");
    }
}
