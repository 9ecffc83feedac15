package dev.maitre.server;

import dev.maitre.api.config.ConfigError;
import dev.maitre.api.config.ConfigException;
import dev.maitre.api.config.ProxyConfig;
import dev.maitre.engine.EngineStartException;
import dev.maitre.server.admin.AdminStartException;
import dev.maitre.server.check.CertificateCheck;
import dev.maitre.server.check.CheckReport;
import dev.maitre.server.config.YamlConfigLoader;
import dev.maitre.server.demo.DemoMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code maitre} command line: reads the options, runs what they ask for and returns the exit status. */
@Command(
        name = "maitre",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "A reverse proxy and load balancer: meets every client, picks a healthy backend, passes the request on.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:stopped normally (including on SIGTERM or SIGINT), or the check passed",
            " 1:could not run, for instance because an address is in use",
            " 2:invalid configuration or command line (with --check: also a certificate that cannot be served or has expired)"})
public final class Main implements Callable<Integer> {

    static final int OK = 0;
    static final int RUNTIME_FAILURE = 1;
    static final int INVALID = 2;

    /** Reads a configuration file; the YAML loader except in tests. */
    @FunctionalInterface
    interface ConfigSource {
        ProxyConfig load(Path file) throws ConfigException;
    }

    @Option(names = "--config", paramLabel = "FILE", description = "Run with this YAML configuration file.")
    private Path configFile;

    @Option(names = "--demo", description = "Start three demo backends on loopback, the proxy on 127.0.0.1:8080 and the admin API on 127.0.0.1:9901.")
    private boolean demo;

    @Option(names = "--check", description = "With --config: validate the file, load the TLS certificates (warning of any expiring within "
            + "30 days; an expired one fails the check), print the health timing windows and exit.")
    private boolean check;

    @Spec
    private CommandSpec spec;

    private final ConfigSource configSource;

    Main(ConfigSource configSource) {
        this.configSource = configSource;
    }

    public static void main(String[] args) {
        System.exit(commandLine(YamlConfigLoader::load).execute(args));
    }

    static CommandLine commandLine(ConfigSource configSource) {
        return new CommandLine(new Main(configSource))
                .setParameterExceptionHandler(Main::usageError);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (demo && configFile != null) {
            throw new ParameterException(spec.commandLine(), "--demo and --config cannot be used together");
        }
        if (check && configFile == null) {
            throw new ParameterException(spec.commandLine(), "--check needs --config FILE");
        }
        if (!demo && configFile == null) {
            throw new ParameterException(spec.commandLine(), "say what to run: --config FILE or --demo");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (demo) {
                DemoMode.run(out);
                return OK;
            }
            ProxyConfig config = configSource.load(configFile);
            if (check) {
                Instant now = Instant.now();
                List<CertificateCheck.Listed> certificates = CertificateCheck.load(config, now);
                out.print(CheckReport.of(configFile.toString(), config, certificates, now));
                out.flush();
                return OK;
            }
            MaitreServer.run(config, configFile, server -> { });
            return OK;
        } catch (ConfigException e) {
            int count = e.errors().size();
            err.println("maitre: invalid configuration " + configFile + " (" + count + (count == 1 ? " error):" : " errors):"));
            for (ConfigError error : e.errors()) {
                err.println("  " + error);
            }
            return INVALID;
        } catch (EngineStartException | AdminStartException e) {
            err.println("maitre: " + e.getMessage());
            return RUNTIME_FAILURE;
        } catch (IOException e) {
            err.println("maitre: cannot start the demo backends: " + e.getMessage());
            return RUNTIME_FAILURE;
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("maitre: " + e.getMessage());
        err.println("Try 'maitre --help' for the options.");
        return INVALID;
    }
}
