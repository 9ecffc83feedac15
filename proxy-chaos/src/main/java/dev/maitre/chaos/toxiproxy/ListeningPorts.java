package dev.maitre.chaos.toxiproxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The loopback ports a server process bound, for servers that cannot be asked: Toxiproxy binds its
 * API on port 0 when told so, but logs {@code 127.0.0.1:0}. On Linux the answer is in {@code /proc}:
 * the process's socket inodes, matched against the kernel's table of listening TCP sockets.
 */
final class ListeningPorts {

    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final String LISTEN = "0A";

    private ListeningPorts() {
    }

    /** Whether this system tells which ports a process listens on. */
    static boolean readable() {
        return Files.isReadable(TCP);
    }

    /** The ports process {@code pid} listens on (IPv4), lowest first; empty while it has bound none. */
    static Set<Integer> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        List<String> lines = Files.readAllLines(TCP);
        for (String line : lines.subList(1, lines.size())) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(f[9])) {
                ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
            }
        }
        return ports;
    }

    /**
     * A loopback port that was free a moment ago, for a server that must be given one and cannot
     * tell the port it bound: it can be taken before the server binds it, so the caller retries
     * the start-up on another when the server reports the port in use.
     */
    static int freeMomentAgo() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
