package dev.maitre.chaos.maitre;

import dev.maitre.testing.MaitreProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * maitre as a scenario runs it: the packaged {@code maitre.jar} in a child JVM with the scenario's
 * configuration file. maitre binds its listener and admin API on port 0 and the ports it got are
 * read from its log, so no other test can take them first.
 */
public final class StagedMaitre implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);

    private final MaitreProcess process;
    private final Path dir;
    private final int listenPort;
    private final AdminClient admin;

    private StagedMaitre(MaitreProcess process, Path dir, int listenPort, AdminClient admin) {
        this.process = process;
        this.dir = dir;
        this.listenPort = listenPort;
        this.admin = admin;
    }

    /** Starts maitre with {@code config} and waits until its listener is bound and its admin API answers. */
    public static StagedMaitre start(MaitreConfig config) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("maitre-chaos-");
        Path file = Files.writeString(dir.resolve("maitre.yaml"), config.yaml());
        MaitreProcess process = MaitreProcess.start(List.of("-Xmx256m", "-XX:+UseSerialGC"),
                "--config", file.toString());
        try {
            int listenPort = process.awaitListenerPort(MaitreConfig.LISTENER, READY);
            AdminClient admin = new AdminClient(process.awaitAdminPort(READY));
            long deadline = System.nanoTime() + READY.toNanos();
            while (!admin.alive()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("maitre's admin API did not answer:\n" + process.output());
                }
                Thread.sleep(50);
            }
            return new StagedMaitre(process, dir, listenPort, admin);
        } catch (InterruptedException | RuntimeException | Error e) {
            process.close();
            deleteDirectory(dir);
            throw e;
        }
    }

    /** The port maitre's listener bound. */
    public int listenPort() {
        return listenPort;
    }

    public AdminClient admin() {
        return admin;
    }

    public long pid() {
        return process.pid();
    }

    /** Netty's leak reports in maitre's output after a full GC and {@code settleMillis}; see {@link MaitreProcess#leakReports}. */
    public long leakReports(long settleMillis) throws InterruptedException {
        return process.leakReports(settleMillis);
    }

    public String outputText() {
        return process.output();
    }

    /** Stops maitre as an operator does (SIGTERM; SIGKILL after 10 s). */
    public void stop() throws InterruptedException {
        process.stop(Duration.ofSeconds(10));
    }

    /** Kills maitre if it still runs and removes its configuration and output files. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.close();
        deleteDirectory(dir);
    }

    private static void deleteDirectory(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
