package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin}: the token is required off loopback, given inline or in a file, and never echoed. */
class AdminRulesTest {

    @TempDir
    Path dir;

    @Test
    void loopbackNeedsNoToken() throws ConfigException {
        for (String bind : new String[] {"127.0.0.1:9901", "127.0.0.2:9901", "localhost:9901", "[::1]:9901"}) {
            AdminConfig admin = ConfigTree.minimal().set("admin.bind", bind).bind().admin();

            assertThat(admin.hasToken()).as(bind).isFalse();
        }
    }

    @Test
    void anAddressOffLoopbackNeedsAToken() {
        assertThat(ConfigTree.minimal().set("admin.bind", "0.0.0.0:9901").errors()).containsExactly(
                "admin.bind: 0.0.0.0:9901 is not a loopback address (expected: admin.token or admin.tokenFile)");
        assertThat(ConfigTree.minimal().set("admin.bind", "[::]:9901").errors()).hasSize(1);
        assertThat(ConfigTree.minimal().set("admin.bind", "10.0.0.5:9901").errors()).hasSize(1);
        assertThat(ConfigTree.minimal().set("admin.bind", "admin.internal:9901").errors())
                .as("a name is not known to be loopback").hasSize(1);
    }

    @Test
    void anInlineTokenIsBoundAndNeverShown() throws ConfigException {
        AdminConfig admin = ConfigTree.minimal().set("admin.bind", "0.0.0.0:9901")
                .set("admin.token", "s3cret-Token_42").bind().admin();

        assertThat(admin.bind()).isEqualTo(new HostPort("0.0.0.0", 9901));
        assertThat(admin.token()).isEqualTo("s3cret-Token_42");
        assertThat(admin.toString()).doesNotContain("s3cret");
    }

    @Test
    void aTokenFileIsReadAndTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("admin.token"), "  from-the-file\n");

        AdminConfig admin = ConfigTree.minimal().set("admin.bind", "0.0.0.0:9901")
                .set("admin.tokenFile", file.toString()).bind().admin();

        assertThat(admin.token()).isEqualTo("from-the-file");
    }

    @Test
    void aTokenFileIsResolvedAgainstTheConfigurationsDirectory() throws Exception {
        Files.writeString(dir.resolve("admin.token"), "relative");
        ConfigTree tree = ConfigTree.minimal().set("admin.tokenFile", "admin.token");

        assertThat(ConfigBinder.bind(tree.root(), path -> 0, dir).admin().token()).isEqualTo("relative");
    }

    @Test
    void tokenAndTokenFileTogetherAreAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("admin.token"), "one");

        assertThat(ConfigTree.minimal().set("admin.token", "two").set("admin.tokenFile", file.toString()).errors())
                .containsExactly("admin.tokenFile: admin.token is given too "
                        + "(expected: one of admin.token or admin.tokenFile)");
    }

    @Test
    void badTokensAreNamedByTheirKeyWithoutTheirText() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.token"), " \n");
        Path missing = dir.resolve("missing.token");

        assertThat(ConfigTree.minimal().set("admin.token", "").errors()).containsExactly(
                "admin.token: the token is empty (expected: a token of visible ASCII characters, without spaces)");
        assertThat(ConfigTree.minimal().set("admin.token", "pass word").errors()).singleElement()
                .asString().startsWith("admin.token: the token holds a space").doesNotContain("pass", "word");
        assertThat(ConfigTree.minimal().set("admin.tokenFile", empty.toString()).errors()).singleElement()
                .asString().startsWith("admin.tokenFile: the token in " + empty + " is empty");
        assertThat(ConfigTree.minimal().set("admin.tokenFile", missing.toString()).errors()).containsExactly(
                "admin.tokenFile: " + missing + " (expected: a readable file holding the token; "
                        + missing + " does not exist)");
    }
}
