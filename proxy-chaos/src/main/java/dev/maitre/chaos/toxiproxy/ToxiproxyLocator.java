package dev.maitre.chaos.toxiproxy;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a Toxiproxy server for the suite, in this order:
 * <ol>
 *   <li>{@code TOXIPROXY_URL}: an external server, used as it is;</li>
 *   <li>a {@code toxiproxy-server} binary, named by {@code TOXIPROXY_SERVER} or found on
 *       {@code PATH}: started on a loopback port it binds itself, stopped when the suite ends;</li>
 *   <li>the Testcontainers Toxiproxy container, where Docker is available;</li>
 *   <li>where a Go toolchain is on {@code PATH}: the pinned release installed with
 *       {@code go install} into the build directory (once; later runs reuse it), then started as in 2;</li>
 * </ol>
 * and otherwise stops with one line saying how to get one. One server serves the whole run; each
 * scenario makes its own proxies on it.
 */
public final class ToxiproxyLocator {

    private static final Logger log = LoggerFactory.getLogger(ToxiproxyLocator.class);
    private static final String MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server";
    private static ToxiproxyServer shared;

    private ToxiproxyLocator() {
    }

    /** The run's server, found (and started) on first use and stopped when the JVM exits. */
    public static synchronized ToxiproxyServer shared() {
        if (shared == null) {
            shared = locate();
            log.info("chaos suite uses {}", shared);
            ToxiproxyServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    log.warn("stopping {} failed: {}", server, e.toString());
                }
            }, "toxiproxy-stop"));
        }
        return shared;
    }

    static ToxiproxyServer locate() {
        String url = System.getenv("TOXIPROXY_URL");
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            ToxiproxyServer external = new ToxiproxyServer(uri.getHost(), uri.getPort(), "TOXIPROXY_URL " + url,
                    () -> { });
            if (!external.answers()) {
                throw new IllegalStateException("TOXIPROXY_URL=" + url + " does not answer; start Toxiproxy there or unset it");
            }
            return external;
        }
        Optional<Path> binary = binary();
        if (binary.isPresent()) {
            return start(binary.get());
        }
        if (ToxiproxyContainerStarter.dockerAvailable()) {
            return ToxiproxyContainerStarter.start(version());
        }
        Optional<Path> go = onPath("go");
        if (go.isPresent()) {
            return start(goInstall(go.get()));
        }
        throw new IllegalStateException("No Toxiproxy found: set TOXIPROXY_URL, put toxiproxy-server on PATH "
                + "(or name it in TOXIPROXY_SERVER), start Docker, or install Go so the suite can run "
                + "`go install " + MODULE + "@" + version() + "`");
    }

    private static Optional<Path> binary() {
        String named = System.getenv("TOXIPROXY_SERVER");
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named.trim());
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("TOXIPROXY_SERVER=" + named + " is not an executable file");
            }
            return Optional.of(path);
        }
        return onPath("toxiproxy-server");
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static String version() {
        return System.getProperty("chaos.toxiproxy.version", "v2.12.0");
    }

    /** {@code go install} of the pinned release into the build directory; the binary is called {@code server}. */
    private static Path goInstall(Path go) {
        Path dir = Path.of(System.getProperty("chaos.toxiproxy.dir", "target/toxiproxy"), version()).toAbsolutePath();
        Path server = dir.resolve("server");
        if (Files.isExecutable(server)) {
            return server;
        }
        log.info("installing Toxiproxy {} with go install into {} (once; takes about half a minute)", version(), dir);
        try {
            Files.createDirectories(dir);
            Path output = dir.resolve("go-install.log");
            ProcessBuilder install = new ProcessBuilder(go.toString(), "install", MODULE + "@" + version())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            install.environment().put("GOBIN", dir.toString());
            Process process = install.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("go install of Toxiproxy took over 5 minutes; see " + output);
            }
            if (process.exitValue() != 0 || !Files.isExecutable(server)) {
                throw new IllegalStateException("go install of Toxiproxy failed (exit " + process.exitValue()
                        + "): " + Files.readString(output).strip());
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("go install of Toxiproxy failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Toxiproxy", e);
        }
    }

    /** Attempts at starting a server on a port given to it, each on another port, before giving up. */
    static final int START_ATTEMPTS = 3;

    /**
     * Starts {@code binary} and waits until its API answers. Where the system tells which ports a
     * process listens on (Linux), Toxiproxy binds port 0 and the port it got is read back; elsewhere
     * it is given a port that was free a moment ago, and started again on another if that one was
     * taken meanwhile.
     */
    static ToxiproxyServer start(Path binary) {
        if (ListeningPorts.readable()) {
            return startOn(binary, 0);
        }
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOn(binary, ListeningPorts.freeMomentAgo());
            } catch (IOException e) {
                failure = new IllegalStateException("could not start " + binary + ": " + e, e);
            } catch (IllegalStateException e) {
                failure = e;
                log.info("Toxiproxy did not start (attempt {} of {}): {}", attempt, START_ATTEMPTS, e.getMessage());
            }
        }
        throw failure;
    }

    private static ToxiproxyServer startOn(Path binary, int requestedPort) {
        try {
            Path logFile = Files.createTempFile("toxiproxy-", ".log");
            Process process = new ProcessBuilder(List.of(binary.toString(), "-host", "127.0.0.1", "-port",
                    Integer.toString(requestedPort))).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            AutoCloseable stopper = () -> {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                Files.deleteIfExists(logFile);
            };
            int port = requestedPort != 0 ? requestedPort : boundPort(process, logFile, stopper);
            ToxiproxyServer server = new ToxiproxyServer("127.0.0.1", port, "binary " + binary, stopper);
            awaitApi(server, process::isAlive, logFile);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e, e);
        }
    }

    /** Waits until {@code process} listens and returns the port it bound. */
    private static int boundPort(Process process, Path logFile, AutoCloseable stopper) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<Integer> ports = ListeningPorts.of(process.pid());
            if (!ports.isEmpty()) {
                return ports.iterator().next();
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String output = Files.readString(logFile).strip();
                try {
                    stopper.close();
                } catch (Exception ignored) {
                    // it is gone or going
                }
                throw new IllegalStateException("Toxiproxy " + (process.isAlive() ? "bound no port within 30 s" : "exited")
                        + ": " + output);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Toxiproxy", e);
            }
        }
    }

    static void awaitApi(ToxiproxyServer server, java.util.function.BooleanSupplier alive, Path logFile) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.answers()) {
            try {
                if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                    String output = logFile == null ? "" : Files.readString(logFile).strip();
                    server.close();
                    throw new IllegalStateException(server + " did not answer: " + output);
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Toxiproxy", e);
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(server + " did not answer: " + e, e);
            }
        }
    }
}
