package dev.maitre.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM listens on, as {@code ss -ltnp} lists them: the LISTEN entries of
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} whose inode this process holds a descriptor for.
 * Linux only; {@link #available()} says whether it can be read here.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    public static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The inodes of this process's sockets that listen on {@code address}. */
    public static List<String> on(InetSocketAddress address) throws IOException {
        return listening(address);
    }

    /** The inodes of all this process's listening sockets. */
    public static List<String> all() throws IOException {
        return listening(null);
    }

    private static List<String> listening(InetSocketAddress address) throws IOException {
        Set<String> ours = socketInodes();
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(LISTEN) && ours.contains(fields[9])
                        && (address == null || address.equals(local(fields[1])))) {
                    found.add(fields[9]);
                }
            }
        }
        return found;
    }

    /**
     * {@code 0100007F:1F90} is 127.0.0.1:8080: the address as the kernel's 32-bit words in host order
     * (little-endian here), an IPv4-mapped IPv6 address read back as IPv4, the port in hexadecimal.
     */
    private static InetSocketAddress local(String field) throws UnknownHostException {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = word * 8 + (3 - i) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(field.substring(colon + 1), 16));
    }

    private static Set<String> socketInodes() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            }
        }
        return inodes;
    }
}
