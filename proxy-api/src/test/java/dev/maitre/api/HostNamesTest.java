package dev.maitre.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNamesTest {

    @Test
    void loopbackIsLocalhostAnyAddressOf127OrIpv6One() {
        assertThat(HostNames.isLoopback("localhost")).isTrue();
        assertThat(HostNames.isLoopback("LocalHost")).isTrue();
        assertThat(HostNames.isLoopback("127.0.0.1")).isTrue();
        assertThat(HostNames.isLoopback("127.255.0.9")).isTrue();
        assertThat(HostNames.isLoopback("::1")).isTrue();
        assertThat(HostNames.isLoopback("[0:0:0:0:0:0:0:1]")).isTrue();
        assertThat(HostNames.isLoopback("128.0.0.1")).isFalse();
        assertThat(HostNames.isLoopback("0.0.0.0")).isFalse();
        assertThat(HostNames.isLoopback("localhost.evil.example")).isFalse();
        assertThat(HostNames.isLoopback("127.0.0.1.nip.io")).isFalse();
        assertThat(HostNames.isLoopback("127.0.0.256")).isFalse();
    }

    @Test
    void theWildcardIsTheAnyAddressOfEitherFamily() {
        assertThat(HostNames.isWildcard("0.0.0.0")).isTrue();
        assertThat(HostNames.isWildcard("::")).isTrue();
        assertThat(HostNames.isWildcard("[::]")).isTrue();
        assertThat(HostNames.isWildcard("127.0.0.1")).isFalse();
        assertThat(HostNames.isWildcard("any.example")).isFalse();
    }

    @Test
    void literalsAreParsedAndNamesAreNotLookedUp() {
        assertThat(HostNames.literal("10.0.0.5")).isPresent();
        assertThat(HostNames.literal("fd00::5")).isPresent();
        assertThat(HostNames.literal("[fd00::5]")).isPresent();
        assertThat(HostNames.literal("localhost")).as("a name, even a well-known one").isEmpty();
        assertThat(HostNames.literal("fd00::zz")).isEmpty();
        assertThat(HostNames.literal("1.2.3")).isEmpty();
    }
}
