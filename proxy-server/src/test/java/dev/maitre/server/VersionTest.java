package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void theVersionIsFilledInAtBuildTime() {
        assertThat(Version.maitre()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void theJvmLineNamesTheJavaVersion() {
        assertThat(Version.jvm()).startsWith("Java " + Runtime.version().feature());
    }
}
