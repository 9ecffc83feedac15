package dev.maitre.bench.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients of {@link IdleConnectionFootprint}, in a process of their own so that their sockets
 * are not counted in the heap of the proxy being measured: opens COUNT connections to HOST:PORT one
 * after the other, sends one keep-alive GET on each and reads its whole answer, prints
 * {@code ready COUNT}, and keeps them all open and idle until its standard input ends.
 *
 * <p>usage: {@code IdleClients HOST PORT COUNT}
 */
public final class IdleClients {

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        byte[] request = ("GET /" + BenchBackend.DEFAULT_BODY_BYTES + " HTTP/1.1\r\nHost: bench.maitre.dev\r\n"
                + "User-Agent: maitre-idle-footprint\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[16 * 1024];
        List<Socket> open = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                open.add(socket);
                socket.setSoTimeout(BlockingClient.TIMEOUT_MILLIS);
                socket.connect(address, BlockingClient.TIMEOUT_MILLIS);
                socket.getOutputStream().write(request);
                readAnswer(socket.getInputStream(), buffer);
            }
            System.out.println("ready " + open.size());
            System.out.flush();
            while (System.in.read(buffer) >= 0) {
                // waits for the end of the input: the measurement is done
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
    }

    /** Reads one answer with a {@code Content-Length} body, expected to fit in {@code buffer}. */
    private static void readAnswer(InputStream in, byte[] buffer) throws IOException {
        int n = 0;
        int bodyStart = -1;
        int length = -1;
        while (bodyStart < 0 || n < bodyStart + length) {
            int read = in.read(buffer, n, buffer.length - n);
            if (read < 0) {
                throw new IOException("connection closed after " + n + " bytes of the answer");
            }
            n += read;
            if (bodyStart < 0) {
                String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                int blank = text.indexOf("\r\n\r\n");
                if (blank >= 0) {
                    if (!text.startsWith("HTTP/1.1 200 ")) {
                        throw new IOException("unexpected answer: " + text.lines().findFirst().orElse(""));
                    }
                    bodyStart = blank + 4;
                    length = contentLength(text.substring(0, blank));
                }
            }
        }
    }

    private static int contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new IOException("answer without Content-Length: " + head);
    }
}
