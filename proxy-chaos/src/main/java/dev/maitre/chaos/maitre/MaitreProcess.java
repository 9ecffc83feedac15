package dev.maitre.chaos.maitre;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * maitre as a user runs it: the packaged {@code maitre.jar} in a child JVM with a generated
 * configuration file, with Netty's leak detector at {@code paranoid} so a leaked buffer shows in
 * its output. Output goes to files, so the child never blocks on a full pipe.
 */
public final class MaitreProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Path output;
    private final AdminClient admin;
    private final Thread killer;

    private MaitreProcess(Process process, Path dir, Path output, int adminPort) {
        this.process = process;
        this.dir = dir;
        this.output = output;
        this.admin = new AdminClient(adminPort);
        // A test JVM that dies mid-scenario must not leave maitre running.
        this.killer = new Thread(process::destroyForcibly, "maitre-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts maitre with {@code config} and waits until its listener and admin API answer. */
    public static MaitreProcess start(MaitreConfig config) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("maitre-chaos-");
        Path file = dir.resolve("maitre.yaml");
        Files.writeString(file, config.yaml());
        Path output = dir.resolve("maitre.log");
        Process process = new ProcessBuilder(List.of(java(),
                "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetection.targetRecords=8",
                "-Xmx256m", "-XX:+UseSerialGC",
                "-jar", jar().toString(), "--config", file.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        MaitreProcess maitre = new MaitreProcess(process, dir, output, config.adminPort());
        maitre.awaitReady(config.listenPort());
        return maitre;
    }

    public AdminClient admin() {
        return admin;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(int listenPort) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(accepts(listenPort) && admin.alive())) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "not ready after 60 s" : "exited with " + process.exitValue();
                close();
                throw new IllegalStateException("maitre " + why + ":\n" + outputText());
            }
            Thread.sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Netty's leak reports in maitre's output so far. A leak is only reported once the garbage
     * collector found the lost buffer and a later allocation looked: so first ask the child JVM for
     * a full GC ({@code jcmd GC.run}), then let the health checks (which allocate every interval)
     * run for {@code settleMillis} before reading.
     */
    public long leakReports(long settleMillis) throws InterruptedException {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            if (process.isAlive() && Files.isExecutable(jcmd)) {
                Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                gc.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            // Without jcmd the reports come later or not at all; the count below is still honest.
        }
        Thread.sleep(settleMillis);
        return outputText().lines().filter(line -> line.contains("LEAK:")).count();
    }

    public String outputText() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops maitre (SIGTERM, then SIGKILL after 10 s) and removes its files. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to run; it kills the process anyway
        }
    }

    /** Removes the configuration and log files. */
    public void deleteFiles() {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temp files; the OS cleans up
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("maitre.jar", "../proxy-server/target/maitre.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar.toAbsolutePath()
                    + ": build proxy-server first (./mvnw -pl proxy-chaos -am verify builds it)");
        }
        return jar;
    }
}
