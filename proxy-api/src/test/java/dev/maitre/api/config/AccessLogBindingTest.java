package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AccessLogBindingTest {

    @Test
    void withoutFormatOrPathTheLineIsMaitresOwnOnStandardOutput() throws ConfigException {
        AccessLogConfig accessLog = ConfigTree.minimal().set("accessLog.enabled", true).bind().accessLog();

        assertThat(accessLog).isEqualTo(new AccessLogConfig(true, AccessLogFormat.MAITRE, "stdout"));
        assertThat(accessLog.toStdout()).isTrue();
    }

    @Test
    void bindsEachFormatByItsName() throws ConfigException {
        assertThat(ConfigTree.minimal().set("accessLog.format", "maitre").bind().accessLog().format())
                .isEqualTo(AccessLogFormat.MAITRE);
        assertThat(ConfigTree.minimal().set("accessLog.format", "combined").bind().accessLog().format())
                .isEqualTo(AccessLogFormat.COMBINED);
        assertThat(ConfigTree.minimal().set("accessLog.format", "json").bind().accessLog().format())
                .isEqualTo(AccessLogFormat.JSON);
    }

    @Test
    void rejectsAnUnknownFormatListingTheKnownOnes() {
        assertThat(ConfigTree.minimal().set("accessLog.format", "xml").errors())
                .containsExactly("accessLog.format: xml (expected: maitre, combined or json)");
    }

    @Test
    void bindsAFilePathAndStdout() throws ConfigException {
        String file = Path.of("/var/log/maitre/access.log").toString();
        AccessLogConfig toFile = ConfigTree.minimal().set("accessLog.path", file).bind().accessLog();
        assertThat(toFile.path()).isEqualTo(file);
        assertThat(toFile.toStdout()).isFalse();
        assertThat(ConfigTree.minimal().set("accessLog.path", "stdout").bind().accessLog().toStdout()).isTrue();
    }

    @Test
    void rejectsABlankPathOrOneThatIsNotText() {
        assertThat(ConfigTree.minimal().set("accessLog.path", " ").errors())
                .containsExactly("accessLog.path: \" \" (expected: stdout or a file's path)");
        assertThat(ConfigTree.minimal().set("accessLog.path", java.util.List.of("a")).errors())
                .containsExactly("accessLog.path: a list (expected: stdout or a file's path)");
    }

    @Test
    void rejectsAnUnknownKey() {
        assertThat(ConfigTree.minimal().set("accessLog.file", "x.log").errors())
                .containsExactly("accessLog.file: unknown key (expected one of: enabled, format, path)");
    }
}
