package dev.maitre.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client} (OpenSSL 3, as Debian ships it) run as a child process against a TLS
 * listener: a client that is not Netty's or the JDK's, with the protocol, cipher, SNI, ALPN, session
 * and certificate options a test needs. Every run is bounded by a timeout, after which the process is
 * killed; what it printed is parsed into an {@link OpenSslResult}.
 *
 * <p>Tests call {@link #require()} first: the binary is needed (skipped on a developer's machine
 * without it, a failure in CI).
 */
public final class OpenSslClient {

    /** The binary: {@code $OPENSSL}, else {@code openssl} on the PATH. */
    public static final String BINARY = System.getenv().getOrDefault("OPENSSL", "openssl");

    private final InetSocketAddress address;
    private final List<String> options = new ArrayList<>();
    private String input;
    private boolean awaitServerClose;
    private Duration timeout = Duration.ofSeconds(15);

    private OpenSslClient(InetSocketAddress address) {
        this.address = address;
    }

    /** Fails (in CI) or skips (elsewhere) the test when {@code openssl} cannot be run here. */
    public static void require() {
        Requirements.require(available(), "the openssl command line tool (" + BINARY + ", Debian's openssl package)");
    }

    /** Whether {@code openssl version} runs and says OpenSSL 3. */
    public static boolean available() {
        try {
            Process version = new ProcessBuilder(BINARY, "version").redirectErrorStream(true).start();
            if (!version.waitFor(10, TimeUnit.SECONDS)) {
                version.destroyForcibly();
                return false;
            }
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return version.exitValue() == 0 && text.startsWith("OpenSSL 3");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A client for the server at {@code address}; without {@link #serverName} it sends no SNI. */
    public static OpenSslClient connect(InetSocketAddress address) {
        return new OpenSslClient(address);
    }

    /** Sends {@code name} as SNI ({@code -servername}). */
    public OpenSslClient serverName(String name) {
        return option("-servername", name);
    }

    /** Offers these ALPN protocols ({@code -alpn}). */
    public OpenSslClient alpn(String... protocols) {
        return option("-alpn", String.join(",", protocols));
    }

    /** Limits the handshake to one protocol version: {@code -tls1}, {@code -tls1_1}, {@code -tls1_2} or {@code -tls1_3}. */
    public OpenSslClient protocol(String flag) {
        if (!List.of("-tls1", "-tls1_1", "-tls1_2", "-tls1_3").contains(flag)) {
            throw new IllegalArgumentException("protocol: " + flag + " (expected: -tls1, -tls1_1, -tls1_2 or -tls1_3)");
        }
        return option(flag);
    }

    /** The TLS 1.2 and older cipher list, in OpenSSL's names ({@code -cipher ECDHE-RSA-AES128-GCM-SHA256}). */
    public OpenSslClient cipher(String list) {
        return option("-cipher", list);
    }

    /** The TLS 1.3 suites ({@code -ciphersuites TLS_AES_128_GCM_SHA256}). */
    public OpenSslClient cipherSuites(String list) {
        return option("-ciphersuites", list);
    }

    /** Writes the session(s) the server gives to {@code file} ({@code -sess_out}). */
    public OpenSslClient sessionOut(Path file) {
        return option("-sess_out", file.toString());
    }

    /** Offers the session in {@code file} for resumption ({@code -sess_in}). */
    public OpenSslClient sessionIn(Path file) {
        return option("-sess_in", file.toString());
    }

    /** Verifies the server's chain against the certificates in {@code file} ({@code -CAfile}). */
    public OpenSslClient caFile(Path file) {
        return option("-CAfile", file.toString());
    }

    /** Presents this certificate chain and key when the server asks ({@code -cert}, {@code -key}). */
    public OpenSslClient clientCertificate(Path certFile, Path keyFile) {
        return option("-cert", certFile.toString(), "-key", keyFile.toString());
    }

    /** Any other {@code s_client} option, for instance {@code "-sigalgs", "RSA-PSS+SHA256"}. */
    public OpenSslClient option(String... words) {
        options.addAll(List.of(words));
        return this;
    }

    /**
     * Sends {@code text} once the handshake is done and keeps the connection until the server closes
     * it ({@code -ign_eof}): for a request that ends with the server's close ({@code Connection:
     * close}), whose answer is in {@link OpenSslResult#output()}. TLS 1.3 session tickets come after
     * the handshake, so a session to resume needs such a request too.
     */
    public OpenSslClient request(String text) {
        input = text;
        awaitServerClose = true;
        return this;
    }

    /**
     * Types {@code lines} into the client's prompt and leaves its input open, so it acts on them
     * ({@code R} renegotiates, {@code Q} quits) and ends only when the connection does or at the
     * timeout.
     */
    public OpenSslClient commands(String lines) {
        input = lines;
        awaitServerClose = false;
        return this;
    }

    /** How long the client may run before it is killed; 15 seconds unless told. */
    public OpenSslClient timeout(Duration value) {
        timeout = value;
        return this;
    }

    /** The command line {@link #run} starts. */
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of(BINARY, "s_client",
                "-connect", address.getAddress().getHostAddress() + ":" + address.getPort()));
        if (!options.contains("-servername")) {
            command.add("-noservername");
        }
        command.addAll(options);
        if (input != null && awaitServerClose) {
            command.add("-ign_eof");
        }
        return command;
    }

    /** Runs the client to its end (or its timeout) and returns what it saw. */
    public OpenSslResult run() throws InterruptedException {
        List<String> command = command();
        Path output = null;
        try {
            output = Files.createTempFile("s_client-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean timedOut = false;
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                }
                // Closing the input ends s_client's session (without -ign_eof), so commands keep it open.
                if (input != null && !awaitServerClose) {
                    timedOut = !process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (IOException exitedBeforeReading) {
                // s_client may end (a refused handshake) before it reads what was typed.
            }
            long left = Math.max(0, deadline - System.nanoTime());
            timedOut |= !process.waitFor(left, TimeUnit.NANOSECONDS);
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            return OpenSslResult.parse(String.join(" ", command), text, timedOut ? -1 : process.exitValue(), timedOut);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind harms nothing
                }
            }
        }
    }
}
