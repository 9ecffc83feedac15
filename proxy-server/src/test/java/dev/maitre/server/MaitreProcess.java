package dev.maitre.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code maitre.jar} running as a child process, started the way a user starts it. Its
 * standard output and error go to files, so the child never blocks on a full pipe.
 */
final class MaitreProcess implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private MaitreProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The jar under test, as the build tells where it is. */
    static Path jar() {
        String jar = System.getProperty("maitre.jar");
        assertThat(jar).as("system property maitre.jar (set by the failsafe configuration)").isNotNull();
        Path path = Path.of(jar);
        assertThat(path).as("the packaged jar; integration tests run after package").isRegularFile();
        return path;
    }

    /**
     * A prefix that gives the child the default SIGINT and SIGHUP dispositions. A build started in
     * the background by a non-interactive shell ignores SIGINT (and one under {@code nohup} SIGHUP),
     * every child inherits that, and the JVM keeps an ignored signal ignored, as Unix programs
     * should; but the tests send these signals on purpose. {@code env} (GNU coreutils) resets them
     * before the JVM starts.
     */
    private static final List<String> DEFAULT_SIGNALS = defaultSignals();

    private static List<String> defaultSignals() {
        try {
            Process probe = new ProcessBuilder("env", "--default-signal=INT,HUP", "true").start();
            return probe.waitFor() == 0 ? List.of("env", "--default-signal=INT,HUP") : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The java command of the JVM running the tests, so the child runs on the same Java version. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code java -jar maitre.jar args...}. */
    static MaitreProcess start(String... args) {
        List<String> command = new ArrayList<>(DEFAULT_SIGNALS);
        command.addAll(List.of(java(),
                // As strict as the in-process tests: a leaked buffer is reported in the output.
                "-Dio.netty.leakDetection.level=paranoid",
                "-jar", jar().toString()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command));
    }

    /** Runs {@code builder}, with its output captured. */
    static MaitreProcess start(ProcessBuilder builder) {
        try {
            Path stdout = Files.createTempFile("maitre-", ".out");
            Path stderr = Files.createTempFile("maitre-", ".err");
            Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            return new MaitreProcess(process, stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to exit and returns its status; fails the test if it runs longer than {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("maitre still running after %s%n%s", timeout, output());
        }
        return process.exitValue();
    }

    /** Waits until something accepts connections on loopback {@code port}; fails if maitre exits first. */
    void awaitListening(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("maitre exited with %d before listening on %d%n%s", process.exitValue(), port, output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        fail("nothing listening on %d after %s%n%s", port, timeout, output());
    }

    /** Waits until standard output contains {@code text}. */
    void awaitStdout(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("no '%s' in the output after %s%n%s", text, timeout, output());
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGTERM, as {@code kill} and {@code docker stop} do. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Sends SIGHUP, as {@code kill -HUP pid} does. */
    void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Both outputs, for failure messages. */
    String output() {
        return "--- stdout\n" + stdout() + "--- stderr\n" + stderr() + "---";
    }

    /** Fails if Netty's leak detector reported a buffer that was never released. */
    void assertNoLeaks() {
        assertThat(output()).as("Netty leak reports").doesNotContain("LEAK:");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
