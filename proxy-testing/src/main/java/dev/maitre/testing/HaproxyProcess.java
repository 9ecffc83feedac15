package dev.maitre.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HAProxy (Debian's {@code /usr/sbin/haproxy}, or the binary named by {@code HAPROXY}) run in
 * the foreground ({@code -db}) with a configuration a test writes, as a peer of maitre on loopback.
 *
 * <p>HAProxy cannot bind port 0 and tell the port it got, so the ports it binds are drawn at random
 * below the kernel's ephemeral range (where the local ports of outgoing connections come from); when
 * one of them is taken HAProxy exits at once saying so, and it is started again on other ports.
 * Standard output and error go to a file, so the child never blocks on a full pipe.
 */
public final class HaproxyProcess implements AutoCloseable {

    private static final int ATTEMPTS = 10;
    private static final int LOWEST_PORT = 20_000;
    private static final int PORTS = 12_000;

    private final Process process;
    private final int[] ports;
    private final Path output;
    private final Thread killer;

    private HaproxyProcess(Process process, int[] ports, Path output) {
        this.process = process;
        this.ports = ports;
        this.output = output;
        this.killer = new Thread(process::destroyForcibly, "haproxy-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** The HAProxy binary the tests run. */
    public static Path binary() {
        return Path.of(System.getenv().getOrDefault("HAPROXY", "/usr/sbin/haproxy"));
    }

    /** Skips the test where HAProxy is not installed (fails it in CI, see {@link Requirements}). */
    public static void require() {
        Requirements.require(Files.isExecutable(binary()), "HAProxy at " + binary() + " (apt-get install haproxy)");
    }

    /**
     * Starts HAProxy with the configuration {@code config} writes for {@code portCount} ports it is to
     * bind on 127.0.0.1, in {@code dir}; returns once it accepts connections on all of them.
     */
    public static HaproxyProcess start(Path dir, int portCount, Function<int[], String> config) {
        require();
        String failures = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int[] ports = ThreadLocalRandom.current().ints(LOWEST_PORT, LOWEST_PORT + PORTS).distinct()
                    .limit(portCount).toArray();
            Path file = dir.resolve("haproxy-" + attempt + ".cfg");
            Path output = dir.resolve("haproxy-" + attempt + ".log");
            try {
                Files.writeString(file, config.apply(ports));
                Process process = new ProcessBuilder(binary().toString(), "-db", "-f", file.toString())
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                HaproxyProcess haproxy = new HaproxyProcess(process, ports, output);
                if (haproxy.awaitListening()) {
                    return haproxy;
                }
                String said = haproxy.output();
                haproxy.close();
                if (!said.contains("cannot bind") && !said.contains("Address already in use")) {
                    throw new IllegalStateException("haproxy did not start with " + file + ":\n" + said);
                }
                failures += "ports " + Arrays.toString(ports) + " taken\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("haproxy found no free ports in " + ATTEMPTS + " attempts:\n" + failures);
    }

    /** The {@code i}th port the configuration was written for. */
    public int port(int i) {
        return ports[i];
    }

    /** The address 127.0.0.1 with the {@code i}th port. */
    public InetSocketAddress address(int i) {
        return new InetSocketAddress("127.0.0.1", ports[i]);
    }

    /** What HAProxy printed so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private boolean awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean[] listening = new boolean[ports.length];
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            boolean all = true;
            for (int i = 0; i < ports.length; i++) {
                listening[i] = listening[i] || accepts(ports[i]);
                all &= listening[i];
            }
            if (all) {
                return process.isAlive();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
