package dev.maitre.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: Debian's {@code dnsmasq}, run in the foreground on 127.0.0.1 and a
 * port of its own, answering only for the names it is given (authoritative for {@link #DOMAIN}, so an
 * unknown name is NXDOMAIN and a name without AAAA records has an empty answer). A records come from
 * a hosts file that {@link #hosts} rewrites and dnsmasq re-reads on SIGHUP; SRV records are fixed for
 * a run ({@link #restart} applies new ones). Every record has the TTL it was started with.
 *
 * <p>dnsmasq takes a port number, not a bound socket: it is started on a random port and started again
 * on another when that one is taken. Tests call {@link #require()} first (skipped on a developer's
 * machine without dnsmasq, a failure in CI).
 */
public final class Dnsmasq implements AutoCloseable {

    /** The domain the names of a test live under; dnsmasq answers it alone. */
    public static final String DOMAIN = "maitre.test";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 20;

    private final Path dir;
    private final int ttlSeconds;
    private final Map<String, List<String>> hosts = new LinkedHashMap<>();
    private final List<String> srvLines = new ArrayList<>();
    private int port;
    private Process process;

    private Dnsmasq(Path dir, int ttlSeconds) {
        this.dir = dir;
        this.ttlSeconds = ttlSeconds;
    }

    /** The binary: {@code $DNSMASQ}, else Debian's {@code /usr/sbin/dnsmasq}, else {@code dnsmasq} on the PATH. */
    static String binary() {
        String configured = System.getenv("DNSMASQ");
        if (configured != null) {
            return configured;
        }
        return Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq";
    }

    /** Fails (in CI) or skips (elsewhere) the test when dnsmasq cannot be run here. */
    public static void require() {
        boolean present;
        try {
            Process version = new ProcessBuilder(binary(), "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            present = version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        Requirements.require(present, "dnsmasq (apt-get install dnsmasq, or DNSMASQ=/path/to/dnsmasq)");
    }

    /**
     * Starts dnsmasq with its files in {@code dir}, giving every record a TTL of {@code ttl} (whole
     * seconds), with no records yet.
     */
    public static Dnsmasq start(Path dir, Duration ttl) {
        return start(dir, ttl, Map.of(), List.of());
    }

    /**
     * Starts dnsmasq with A records {@code hosts} (name to addresses) and SRV records {@code srv}, each
     * written as dnsmasq's {@code srv-host=} value: {@code _http._tcp.web.maitre.test,a.web.maitre.test,8080,0,10}
     * (name, target, port, priority, weight).
     */
    public static Dnsmasq start(Path dir, Duration ttl, Map<String, List<String>> hosts, List<String> srv) {
        Dnsmasq dnsmasq = new Dnsmasq(dir, Math.toIntExact(ttl.toSeconds()));
        dnsmasq.hosts.putAll(hosts);
        dnsmasq.srvLines.addAll(srv);
        dnsmasq.writeHosts();
        dnsmasq.startOnFreePort();
        return dnsmasq;
    }

    /** Where it answers (UDP and TCP). */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** {@code 127.0.0.1:port}, as a resolver is written in maitre's configuration. */
    public String resolver() {
        return "127.0.0.1:" + port;
    }

    /** Gives {@code name} the A records {@code addresses} (none: the name is gone) from now on. */
    public synchronized void hosts(String name, String... addresses) {
        hosts.put(name, List.of(addresses));
        writeHosts();
        signal("HUP");
    }

    /** Stops answering: the port is closed and queries go unanswered until {@link #restart}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts again on the same port, with the records it has now and SRV records {@code srv}. */
    public synchronized void restart(List<String> srv) {
        stop();
        srvLines.clear();
        srvLines.addAll(srv);
        if (!tryStart(port)) {
            throw new IllegalStateException("dnsmasq could not start again on port " + port + ": " + log());
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private void startOnFreePort() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            // below Linux's ephemeral range (32768-60999), so no client socket takes it meanwhile
            int candidate = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            if (tryStart(candidate)) {
                port = candidate;
                return;
            }
        }
        throw new IllegalStateException("dnsmasq found no free port in " + ATTEMPTS + " attempts: " + log());
    }

    /** Whether dnsmasq started and listens on {@code candidate}; false when the port is taken. */
    private boolean tryStart(int candidate) {
        try {
            Files.writeString(conf(), confText(), StandardCharsets.UTF_8);
            Files.deleteIfExists(log());
            List<String> command = new ArrayList<>(List.of(binary(), "-k", "--conf-file=" + conf(),
                    "--port=" + candidate, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
                    "--no-hosts", "--addn-hosts=" + hostsFile(), "--local-ttl=" + ttlSeconds,
                    "--local=/" + DOMAIN + "/", "--pid-file=" + dir.resolve("dnsmasq.pid"),
                    "--log-facility=-", "--log-queries"));
            if ("root".equals(System.getProperty("user.name"))) {
                // started as root, dnsmasq becomes nobody, who could not re-read the test's hosts file
                command.add("--user=root");
            }
            Process started = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(log().toFile()).start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
                if (!started.isAlive()) {
                    if (text.contains("Address already in use")) {
                        return false;
                    }
                    throw new IllegalStateException("dnsmasq exited with " + started.exitValue() + ": " + text);
                }
                // it logs "started" once its sockets are bound
                if (text.contains("started, version")) {
                    process = started;
                    return true;
                }
                Thread.sleep(20);
            }
            started.destroyForcibly();
            throw new IllegalStateException("dnsmasq did not start within " + START_TIMEOUT + ": " + log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dnsmasq", e);
        }
    }

    private String confText() {
        StringBuilder text = new StringBuilder();
        srvLines.forEach(line -> text.append("srv-host=").append(line).append('\n'));
        return text.toString();
    }

    private void writeHosts() {
        StringBuilder text = new StringBuilder();
        hosts.forEach((name, addresses) -> addresses.forEach(
                address -> text.append(address).append(' ').append(name).append('\n')));
        try {
            Path temp = dir.resolve("hosts.tmp");
            Files.writeString(temp, text.toString(), StandardCharsets.UTF_8);
            Files.move(temp, hostsFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code signal} and waits until dnsmasq says it re-read its hosts file. */
    private void signal(String signal) {
        if (process == null) {
            return;
        }
        try {
            int readsBefore = countReads();
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            kill.waitFor(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (countReads() == readsBefore && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int countReads() throws IOException {
        String text = Files.readString(log(), StandardCharsets.UTF_8);
        int count = 0;
        for (int i = text.indexOf("read " + hostsFile()); i >= 0; i = text.indexOf("read " + hostsFile(), i + 1)) {
            count++;
        }
        return count;
    }

    private Path conf() {
        return dir.resolve("dnsmasq.conf");
    }

    private Path hostsFile() {
        return dir.resolve("hosts");
    }

    /** What dnsmasq logged (queries included), for a failing test's message. */
    public Path log() {
        return dir.resolve("dnsmasq.log");
    }
}
