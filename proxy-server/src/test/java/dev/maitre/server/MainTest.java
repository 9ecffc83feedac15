package dev.maitre.server;

import static dev.maitre.testing.Configs.checked;
import static dev.maitre.testing.Configs.cluster;
import static dev.maitre.testing.Configs.withClusters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.HealthCheckConfig;
import dev.maitre.api.config.ProxyConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's options, output and exit statuses, with the configuration file stubbed out. */
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void checkPrintsTheReportAndExitsZero() {
        ProxyConfig config = withClusters(checked(cluster("api", "10.0.0.11:8080"), HealthCheckConfig.defaults()));

        int status = run(file -> config, "--check", "--config", "maitre.yaml");

        assertThat(status).isZero();
        assertThat(out.toString()).contains("configuration maitre.yaml is valid", "18-33 s", "20-35 s", "9-22 s");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkReadsTheFileItIsGiven() {
        Path[] read = new Path[1];

        run(file -> {
            read[0] = file;
            return withClusters(cluster("web", "10.0.0.21:80"));
        }, "--config", "conf/maitre.yaml", "--check");

        assertThat(read[0]).isEqualTo(Path.of("conf/maitre.yaml"));
    }

    @Test
    void anInvalidConfigurationPrintsEveryErrorOnItsOwnLineAndExitsTwo() {
        ConfigException invalid = new ConfigException(List.of(
                new ConfigError("workers", 1, "two (expected: a whole number >= 1)"),
                new ConfigError("clusters[0].healthCheck.timeout", 12, "15s (expected: < interval 10s)"),
                new ConfigError("clusters[0].colour", 14, "unknown key")));

        int status = run(file -> {
            throw invalid;
        }, "--config", "bad.yaml");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "maitre: invalid configuration bad.yaml (3 errors):",
                "  workers: two (expected: a whole number >= 1) (line 1)",
                "  clusters[0].healthCheck.timeout: 15s (expected: < interval 10s) (line 12)",
                "  clusters[0].colour: unknown key (line 14)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checkOfAnInvalidConfigurationExitsTwo() {
        int status = run(file -> {
            throw new ConfigException(new ConfigError("", 0, "bad.yaml: no such file"));
        }, "--check", "--config", "bad.yaml");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("(1 error):", "bad.yaml: no such file");
    }

    @Test
    void anUnknownOptionExitsTwo() {
        assertThat(run(file -> null, "--colour")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--colour'", "maitre --help");
    }

    @Test
    void nothingToRunExitsTwo() {
        assertThat(run(file -> null)).isEqualTo(2);
        assertThat(err.toString()).contains("--config FILE or --demo");
    }

    @Test
    void demoAndConfigTogetherExitTwo() {
        assertThat(run(file -> null, "--demo", "--config", "maitre.yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("--demo and --config cannot be used together");
    }

    @Test
    void checkWithoutConfigExitsTwo() {
        assertThat(run(file -> null, "--check")).isEqualTo(2);
        assertThat(err.toString()).contains("--check needs --config FILE");
    }

    @Test
    void versionPrintsMaitresVersionAndExitsZero() {
        assertThat(run(file -> null, "--version")).isZero();
        assertThat(out.toString()).startsWith("maitre " + Version.maitre() + "\n").contains("Java ");
    }

    @Test
    void helpNamesEveryOptionAndExitsZero() {
        assertThat(run(file -> null, "--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE", "--demo", "--check", "--help", "--version", "Exit status");
    }

    private int run(Main.ConfigSource source, String... args) {
        CommandLine commandLine = Main.commandLine(source)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
