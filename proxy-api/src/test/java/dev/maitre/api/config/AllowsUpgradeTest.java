package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which elements of a request's {@code Upgrade} header a listener's {@code upgrades} let through. */
class AllowsUpgradeTest {

    private static final ListenerConfig WEB =
            ListenerConfig.http("web", HostPort.parse("127.0.0.1:8080"), List.of(RouteConfig.catchAll("web")));

    private static ListenerConfig allowing(String... protocols) {
        return WEB.withUpgrades(List.of(protocols));
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "WebSocket", "WEBSOCKET", "websocket/13", "WebSocket/7", " websocket\t"})
    void aNameWithoutAVersionAllowsItInAnyCaseAndVersion(String offered) {
        assertThat(allowing("websocket").allowsUpgrade(offered)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websockets", "websocke", "websocket/", "/websocket", "web socket", "websocket, h2c",
            "", "websocket/13/1", "tls/1.0"})
    void otherNamesAndMalformedElementsAreNotAllowed(String offered) {
        assertThat(allowing("websocket").allowsUpgrade(offered)).isFalse();
    }

    @Test
    void aNameWithAVersionAllowsThatVersionOnly() {
        ListenerConfig listener = allowing("MyProto/2");

        assertThat(listener.upgrades()).containsExactly("myproto/2");
        assertThat(listener.allowsUpgrade("myproto/2")).isTrue();
        assertThat(listener.allowsUpgrade("MYPROTO/2")).isTrue();
        assertThat(listener.allowsUpgrade("myproto/3")).isFalse();
        assertThat(listener.allowsUpgrade("myproto/20")).isFalse();
        assertThat(listener.allowsUpgrade("myproto")).isFalse();
    }

    /** Java's equalsIgnoreCase folds U+017F (ſ) to S and U+212A (Kelvin) to k; a protocol name is ASCII. */
    @Test
    void caseIsFoldedInAsciiOnly() {
        assertThat(allowing("websocket").allowsUpgrade("web\u017Focket")).isFalse();
        assertThat(allowing("kproto").allowsUpgrade("\u212Aproto")).isFalse();
    }

    @Test
    void theDefaultAllowsWebSocketOnHttpListenersAndNothingOnTcpOnes() {
        assertThat(WEB.upgrades()).containsExactly("websocket");
        ListenerConfig tcp = new ListenerConfig("db", HostPort.parse("127.0.0.1:5433"), Protocol.TCP, List.of(), "db",
                null, ListenerTimeouts.defaults(), ListenerLimits.defaults());
        assertThat(tcp.upgrades()).isEmpty();
        assertThat(tcp.allowsUpgrade("websocket")).isFalse();
    }

    @Test
    void h2cIsNeverAllowedNorAccepted() {
        assertThat(WEB.allowsUpgrade("h2c")).isFalse();
        assertThat(allowing("websocket").allowsUpgrade("H2C")).isFalse();
        assertThatThrownBy(() -> allowing("websocket", "H2c"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upgrades: H2c (expected: a protocol other than h2c");
    }

    @Test
    void settingsThatCarryTheListenerOverKeepItsUpgrades() {
        ListenerConfig listener = allowing("myproto");

        assertThat(listener.withRelay(RelayMode.BUFFERED).upgrades()).containsExactly("myproto");
        assertThat(listener.withForwarding(List.of(), ListenerHeaders.defaults()).upgrades())
                .containsExactly("myproto");
    }
}
