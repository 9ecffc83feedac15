package dev.maitre.api.config;

import static dev.maitre.api.config.ConfigTree.list;
import static dev.maitre.api.config.ConfigTree.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DocumentRulesTest {

    @Test
    void rejectsAnEmptyDocument() {
        assertThatThrownBy(() -> ConfigBinder.bind(null, path -> 0))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        new ConfigError("", 0, "empty document (expected: a mapping with listeners and clusters)")));
    }

    @Test
    void rejectsADocumentThatIsNotAMapping() {
        assertThatThrownBy(() -> ConfigBinder.bind(list("web"), path -> 0))
                .hasMessage("a list (expected: a mapping with listeners and clusters)");
        assertThatThrownBy(() -> ConfigBinder.bind("listeners", path -> 0))
                .hasMessage("listeners (expected: a mapping with listeners and clusters)");
    }

    @Test
    void rejectsAnUnknownTopLevelKey() {
        assertThat(ConfigTree.minimal().set("listener", map()).errors()).containsExactly(
                "listener: unknown key (expected one of: admin, workers, shutdownDelay, shutdownGracePeriod, accessLog, "
                        + "listeners, clusters)");
    }

    @Test
    void requiresListenersAndClusters() {
        assertThat(ConfigTree.minimal().remove("listeners").remove("clusters").errors()).containsExactly(
                "clusters: missing (expected: at least one cluster)",
                "listeners: missing (expected: at least one listener)");
    }

    @Test
    void rejectsEmptyListenersAndClusters() {
        assertThat(ConfigTree.minimal().set("listeners", list()).set("clusters", list()).errors())
                .containsExactly(
                        "clusters: empty (expected: at least one cluster)",
                        "listeners: empty (expected: at least one listener)");
    }

    @Test
    void rejectsListenersThatAreNotAList() {
        assertThat(ConfigTree.minimal().set("listeners", map("name", "web")).errors()).containsExactly(
                "listeners: a mapping (expected: a list with at least one listener)");
    }

    @Test
    void acceptsWorkersFromOneTo1024() throws ConfigException {
        assertThat(ConfigTree.minimal().set("workers", 1).bind().workers()).isEqualTo(1);
        assertThat(ConfigTree.minimal().set("workers", 1024).bind().workers()).isEqualTo(1024);
    }

    @Test
    void rejectsWorkersOutOfRangeOrNotAnInteger() {
        assertThat(ConfigTree.minimal().set("workers", 0).errors())
                .containsExactly("workers: 0 (expected: 1-1024)");
        assertThat(ConfigTree.minimal().set("workers", 1025).errors())
                .containsExactly("workers: 1025 (expected: 1-1024)");
        assertThat(ConfigTree.minimal().set("workers", "two").errors())
                .containsExactly("workers: two (expected: an integer)");
        assertThat(ConfigTree.minimal().set("workers", 2.5).errors())
                .containsExactly("workers: 2.5 (expected: an integer)");
    }

    @Test
    void acceptsAZeroShutdownGracePeriod() throws ConfigException {
        assertThat(ConfigTree.minimal().set("shutdownGracePeriod", 0).bind().shutdownGracePeriod()).isZero();
        assertThat(ConfigTree.minimal().set("shutdownGracePeriod", "1m").bind().shutdownGracePeriod())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rejectsAShutdownGracePeriodThatIsNotADuration() {
        assertThat(ConfigTree.minimal().set("shutdownGracePeriod", "-1s").errors()).containsExactly(
                "shutdownGracePeriod: -1s (expected: a duration such as 500ms, 10s or 1m)");
        assertThat(ConfigTree.minimal().set("shutdownGracePeriod", 30).errors()).containsExactly(
                "shutdownGracePeriod: 30 (expected: a duration such as 500ms, 10s or 1m)");
    }

    @Test
    void bindsAShutdownDelayThatIsZeroByDefault() throws ConfigException {
        assertThat(ConfigTree.minimal().bind().shutdownDelay()).isZero();
        assertThat(ConfigTree.minimal().set("shutdownDelay", "5s").bind().shutdownDelay())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(ConfigTree.minimal().set("shutdownDelay", "soon").errors()).containsExactly(
                "shutdownDelay: soon (expected: a duration such as 500ms, 10s or 1m)");
    }

    @Test
    void bindsTheAdminAddress() throws ConfigException {
        assertThat(ConfigTree.minimal().set("admin.bind", "127.0.0.1:9000").bind().admin().bind())
                .isEqualTo(new HostPort("127.0.0.1", 9000));
    }

    @Test
    void rejectsABadAdminSection() {
        assertThat(ConfigTree.minimal().set("admin.bind", "localhost").errors())
                .containsExactly("admin.bind: localhost (expected: host:port)");
        assertThat(ConfigTree.minimal().set("admin.port", 9901).errors())
                .containsExactly("admin.port: unknown key (expected one of: bind, token, tokenFile)");
        assertThat(ConfigTree.minimal().set("admin", "127.0.0.1:9901").errors())
                .containsExactly("admin: 127.0.0.1:9901 (expected: a mapping)");
    }

    @Test
    void bindsTheAccessLogSwitch() throws ConfigException {
        assertThat(ConfigTree.minimal().set("accessLog.enabled", true).bind().accessLog().enabled()).isTrue();
    }

    @Test
    void rejectsAnAccessLogSwitchThatIsNotABoolean() {
        assertThat(ConfigTree.minimal().set("accessLog.enabled", "yes").errors())
                .containsExactly("accessLog.enabled: yes (expected: true or false)");
    }

    @Test
    void rejectsAKeyWrittenWithoutAValue() {
        assertThat(ConfigTree.minimal().set("workers", null).set("admin", null).errors()).containsExactly(
                "admin: no value (expected: a mapping)",
                "workers: no value (expected: an integer)");
    }
}
