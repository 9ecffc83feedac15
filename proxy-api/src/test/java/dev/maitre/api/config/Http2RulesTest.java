package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code listeners[].http2} as the binder reads it. */
class Http2RulesTest {

    private static final String SIZE = "a size such as 512B, 16KiB or 1MiB";

    private static ListenerHttp2 bind(Object http2) throws ConfigException {
        return ConfigTree.minimal().set("listeners[0].http2", http2).bind().listeners().get(0).http2();
    }

    private static List<String> errors(String key, Object value) {
        return ConfigTree.minimal().set("listeners[0].http2", map(key, value)).errors();
    }

    /** A tcp listener {@code db} relaying to cluster {@code web}. */
    private static ConfigTree tcpListener() {
        return ConfigTree.minimal()
                .set("listeners[0]", map("name", "db", "bind", "127.0.0.1:5433", "protocol", "tcp", "cluster", "web"));
    }

    @Test
    void anHttpListenerSpeaksHttp2WithTheDefaultSettingsWhenTheSectionIsLeftOut() throws ConfigException {
        ListenerHttp2 http2 = ConfigTree.minimal().bind().listeners().get(0).http2();

        assertThat(http2).isEqualTo(new ListenerHttp2(true, 100, 65_535, 16_384, 16 * 1024));
        assertThat(http2).isEqualTo(ListenerConfig.defaultHttp2(Protocol.HTTP));
    }

    @Test
    void anEmptySectionKeepsEveryDefault() throws ConfigException {
        assertThat(bind(map())).isEqualTo(ListenerHttp2.defaults());
    }

    @Test
    void bindsEveryKeyWithSizesInUnitsOrPlainBytes() throws ConfigException {
        ListenerHttp2 http2 = bind(map("enabled", true, "maxConcurrentStreams", 250, "initialWindowSize", "1MiB",
                "maxFrameSize", 32768, "maxHeaderListSize", "64KiB"));

        assertThat(http2).isEqualTo(new ListenerHttp2(true, 250, 1024 * 1024, 32_768, 64 * 1024));
    }

    @Test
    void disablingKeepsTheOtherSettings() throws ConfigException {
        ListenerHttp2 http2 = bind(map("enabled", false, "maxConcurrentStreams", 10));

        assertThat(http2.enabled()).isFalse();
        assertThat(http2.maxConcurrentStreams()).isEqualTo(10);
        assertThat(http2.maxFrameSize()).isEqualTo(ListenerHttp2.MIN_FRAME_SIZE);
    }

    @Test
    void eachKeyAcceptsItsBounds() throws ConfigException {
        assertThat(bind(map("maxConcurrentStreams", 1, "initialWindowSize", 0, "maxFrameSize", "16KiB",
                "maxHeaderListSize", "1KiB")))
                .isEqualTo(new ListenerHttp2(true, 1, 0, 16_384, 1024));
        assertThat(bind(map("maxConcurrentStreams", 10_000, "initialWindowSize", 2_147_483_647,
                "maxFrameSize", 16_777_215, "maxHeaderListSize", "1MiB")))
                .isEqualTo(new ListenerHttp2(true, 10_000, Integer.MAX_VALUE, 16_777_215, 1024 * 1024));
    }

    @Test
    void refusesMaxConcurrentStreamsOutsideOneToTenThousand() {
        assertThat(errors("maxConcurrentStreams", 0))
                .containsExactly("listeners[0].http2.maxConcurrentStreams: 0 (expected: 1-10000)");
        assertThat(errors("maxConcurrentStreams", 10_001))
                .containsExactly("listeners[0].http2.maxConcurrentStreams: 10001 (expected: 1-10000)");
        assertThat(errors("maxConcurrentStreams", "100KiB"))
                .containsExactly("listeners[0].http2.maxConcurrentStreams: 100KiB (expected: an integer)");
    }

    @Test
    void refusesAnInitialWindowSizeBeyondTheProtocolsLimit() {
        assertThat(errors("initialWindowSize", "2GiB"))
                .containsExactly("listeners[0].http2.initialWindowSize: 2GiB (expected: 0..2147483647)");
        assertThat(errors("initialWindowSize", 2_147_483_648L))
                .containsExactly("listeners[0].http2.initialWindowSize: 2147483648 (expected: 0..2147483647)");
        assertThat(errors("initialWindowSize", "-1"))
                .containsExactly("listeners[0].http2.initialWindowSize: -1 (expected: " + SIZE + ")");
    }

    @Test
    void refusesAMaxFrameSizeOutsideTheProtocolsRange() {
        assertThat(errors("maxFrameSize", 1000))
                .containsExactly("listeners[0].http2.maxFrameSize: 1000 (expected: 16384..16777215)");
        assertThat(errors("maxFrameSize", "16MiB"))
                .containsExactly("listeners[0].http2.maxFrameSize: 16MiB (expected: 16384..16777215)");
        assertThat(errors("maxFrameSize", "16KB"))
                .containsExactly("listeners[0].http2.maxFrameSize: 16KB (expected: " + SIZE + ")");
    }

    @Test
    void refusesAMaxHeaderListSizeBelowOneKibibyteOrAboveOneMebibyte() {
        assertThat(errors("maxHeaderListSize", 1023))
                .containsExactly("listeners[0].http2.maxHeaderListSize: 1023 (expected: 1024..1048576)");
        assertThat(errors("maxHeaderListSize", "1.5MiB"))
                .containsExactly("listeners[0].http2.maxHeaderListSize: 1.5MiB (expected: 1024..1048576)");
    }

    @Test
    void refusesAnEnabledThatIsNotABoolean() {
        assertThat(errors("enabled", "yes please"))
                .containsExactly("listeners[0].http2.enabled: yes please (expected: true or false)");
    }

    @Test
    void reportsEveryBadKeyOfTheSectionAtOnce() {
        assertThat(ConfigTree.minimal().set("listeners[0].http2", map("maxConcurrentStreams", 0,
                "maxFrameSize", 1000, "maxHeaderListSize", 0)).errors())
                .containsExactly(
                        "listeners[0].http2.maxConcurrentStreams: 0 (expected: 1-10000)",
                        "listeners[0].http2.maxFrameSize: 1000 (expected: 16384..16777215)",
                        "listeners[0].http2.maxHeaderListSize: 0 (expected: 1024..1048576)");
    }

    @Test
    void refusesAnUnknownKeyNamingItsPath() {
        assertThat(errors("maxStreams", 10)).containsExactly("listeners[0].http2.maxStreams: unknown key "
                + "(expected one of: enabled, maxConcurrentStreams, initialWindowSize, maxFrameSize, "
                + "maxHeaderListSize, only)");
    }

    @Test
    void speaksHttp2AloneOnlyWhenAskedAndWhileEnabled() throws ConfigException {
        assertThat(ConfigTree.minimal().bind().listeners().get(0).http2().only()).isFalse();
        assertThat(ConfigTree.minimal().set("listeners[0].http2", map("only", true)).bind().listeners().get(0)
                .http2().only()).isTrue();
        assertThat(ConfigTree.minimal().set("listeners[0].http2", map("enabled", false, "only", true)).errors())
                .containsExactly("listeners[0].http2.only: true (expected: false when http2.enabled is false "
                        + "(a listener cannot speak HTTP/2 alone and not at all))");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void refusesASectionThatIsNotAMapping(boolean value) {
        assertThat(ConfigTree.minimal().set("listeners[0].http2", value).errors())
                .containsExactly("listeners[0].http2: " + value + " (expected: a mapping)");
    }

    @Test
    void refusesHttp2OnATcpListenerWhichSpeaksNone() throws ConfigException {
        assertThat(tcpListener().bind().listeners().get(0).http2().enabled()).isFalse();

        assertThat(tcpListener().set("listeners[0].http2", map("enabled", true)).errors()).containsExactly(
                "listeners[0].http2: a mapping (expected: no http2 on a tcp listener; it relays bytes and reads "
                        + "no HTTP)");
        assertThat(tcpListener().set("listeners[0].http2", map()).errors()).containsExactly(
                "listeners[0].http2: a mapping (expected: no http2 on a tcp listener; it relays bytes and reads "
                        + "no HTTP)");
    }

    @Test
    void eachListenerHasSettingsOfItsOwn() throws ConfigException {
        ProxyConfig config = ConfigTree.minimal()
                .set("listeners[1]", map("name", "web2", "bind", "127.0.0.1:8081", "protocol", "http",
                        "routes", list(map("cluster", "web")), "http2", map("enabled", false)))
                .bind();

        assertThat(config.listeners().get(0).http2().enabled()).isTrue();
        assertThat(config.listeners().get(1).http2().enabled()).isFalse();
    }

    @Test
    void theRecordRefusesTheUpperBoundsTheBinderChecks() {
        assertThatThrownBy(() -> new ListenerHttp2(true, 10_001, 65_535, 16_384, 16_384))
                .hasMessage("maxConcurrentStreams: 10001 (expected: 1..10000)");
        assertThatThrownBy(() -> new ListenerHttp2(true, 100, 65_535, 16_384, 1024 * 1024 + 1))
                .hasMessage("maxHeaderListSize: 1048577 (expected: 1024..1048576)");
    }
}
