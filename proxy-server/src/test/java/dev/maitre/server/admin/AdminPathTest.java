package dev.maitre.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminPathTest {

    @Test
    void aPercentEncodedIpv6BackendAddressIsOneSegment() {
        AdminPath path = AdminPath.of("/api/clusters/api/backends/%5B%3A%3A1%5D%3A8080/drain");

        assertThat(path.matches("api", "clusters", "*", "backends", "*", "drain")).isTrue();
        assertThat(path.segment(4)).isEqualTo("[::1]:8080");
    }

    @Test
    void theQueryAndEmptySegmentsDoNotChangeTheMatch() {
        assertThat(AdminPath.of("/api/clusters/?pretty").matches("api", "clusters")).isTrue();
        assertThat(AdminPath.of("//api//events").matches("api", "events")).isTrue();
    }

    @Test
    void aPathMatchesOnlyAPatternOfItsLength() {
        assertThat(AdminPath.of("/api/clusters/x").matches("api", "clusters")).isFalse();
        assertThat(AdminPath.of("/api").matches("api", "clusters")).isFalse();
        assertThat(AdminPath.of("/").matches()).isTrue();
    }
}
