package dev.maitre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code maitre.jar} running as a child process, started the way a user starts it, with
 * Netty's leak detector at {@code paranoid} so a leaked buffer shows in its output. Its standard
 * output and error go to files, so the child never blocks on a full pipe.
 *
 * <p>Give maitre port 0 for its listeners and admin API and read the ports it bound from its log
 * ({@link #awaitListenerPort}, {@link #awaitAdminPort}): a port chosen by the test beforehand can be
 * taken by someone else before maitre binds it.
 */
public final class MaitreProcess implements AutoCloseable {

    private static final Pattern LISTENER = Pattern.compile("listener (\\S+) \\([^)]*\\) on [^\\s]*:(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("admin API on http://[^\\s/]*:(\\d+)/");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Thread killer;

    private MaitreProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        // A test JVM that dies mid-test must not leave maitre running.
        this.killer = new Thread(process::destroyForcibly, "maitre-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * The jar under test: system property {@code maitre.jar}, set by the failsafe configuration of the
     * modules that run it, else where proxy-server's build puts it.
     */
    public static Path jar() {
        Path path = Path.of(System.getProperty("maitre.jar", "../proxy-server/target/maitre.jar"));
        assertThat(path).as("the packaged maitre.jar (integration tests run after proxy-server's package phase)")
                .isRegularFile();
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
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code java -jar maitre.jar args...}. */
    public static MaitreProcess start(String... args) {
        return start(List.of(), args);
    }

    /** Runs {@code java jvmOptions... -jar maitre.jar args...}. */
    public static MaitreProcess start(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(DEFAULT_SIGNALS);
        command.add(java());
        // As strict as the in-process tests: a leaked buffer is reported in the output.
        command.addAll(List.of("-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetection.targetRecords=8"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command));
    }

    /** Runs {@code builder}, with its output captured. */
    public static MaitreProcess start(ProcessBuilder builder) {
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
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("maitre still running after %s%n%s", timeout, output());
        }
        return process.exitValue();
    }

    /** Waits until something accepts connections on loopback {@code port}; fails if maitre exits first. */
    public void awaitListening(int port, Duration timeout) throws InterruptedException {
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
    public void awaitStdout(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (System.nanoTime() > deadline) {
                fail("no '%s' in the output after %s%n%s", text, timeout, output());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until maitre logs that listener {@code name} is bound and returns its port. */
    public int awaitListenerPort(String name, Duration timeout) throws InterruptedException {
        return awaitLogged(LISTENER, name, timeout, "listener " + name);
    }

    /** Waits until maitre logs that its admin API is bound and returns its port. */
    public int awaitAdminPort(Duration timeout) throws InterruptedException {
        return awaitLogged(ADMIN, null, timeout, "admin API");
    }

    private int awaitLogged(Pattern pattern, String name, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(stdout());
            while (m.find()) {
                if (name == null || m.group(1).equals(name)) {
                    return Integer.parseInt(m.group(m.groupCount()));
                }
            }
            if (!process.isAlive()) {
                fail("maitre exited with %d before it logged its %s%n%s", process.exitValue(), what, output());
            }
            if (System.nanoTime() > deadline) {
                fail("maitre logged no %s after %s%n%s", what, timeout, output());
            }
            Thread.sleep(50);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM, as {@code kill} and {@code docker stop} do. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    public void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Sends SIGUSR1, as logrotate's {@code postrotate} script does with {@code kill -USR1 pid}. */
    public void reopenLogs() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Sends SIGHUP, as {@code kill -HUP pid} does. */
    public void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    /** Both outputs, for failure messages. */
    public String output() {
        return "--- stdout\n" + stdout() + "--- stderr\n" + stderr() + "---";
    }

    /** Fails if Netty's leak detector reported a buffer that was never released. */
    public void assertNoLeaks() {
        assertThat(output()).as("Netty leak reports").doesNotContain("LEAK:");
    }

    /**
     * Netty's leak reports in the output so far. A leak is only reported once the garbage collector
     * found the lost buffer and a later allocation looked: so first ask the child JVM for a full GC
     * ({@code jcmd GC.run}), then let maitre run for {@code settleMillis} (health checks allocate
     * every interval) before reading.
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
        return output().lines().filter(line -> line.contains("LEAK:")).count();
    }

    /** Stops maitre as an operator does (SIGTERM), and kills it if it is still running after {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills maitre if it still runs and removes its output files. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it kills the process anyway
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
