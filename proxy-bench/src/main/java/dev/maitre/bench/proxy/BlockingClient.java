package dev.maitre.bench.proxy;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One blocking loopback connection as a benchmark thread drives it: HTTP/1.1 GETs answered with
 * a {@code Content-Length} body, or the backend's TCP protocol (a 4-byte size, then that many
 * bytes). Every read and the connect time out, so a broken run fails instead of hanging. Bodies
 * are read into one reused array and dropped.
 */
final class BlockingClient implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 5_000;
    private static final int MAX_HEAD_BYTES = 8 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] sink = new byte[64 * 1024];
    private final byte[] head = new byte[MAX_HEAD_BYTES];

    private BlockingClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static BlockingClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.connect(address, TIMEOUT_MILLIS);
            return new BlockingClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A keep-alive {@code GET /size} as the backend understands it. */
    static byte[] getRequest(int size) {
        return ("GET /" + size + " HTTP/1.1\r\nHost: bench.maitre.dev\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The TCP protocol's request for {@code size} bytes. */
    static byte[] tcpRequest(int size) {
        return new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size};
    }

    /** Sends {@code request} and reads the whole response; returns the body's length. */
    int get(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        int length = readHead();
        drain(length);
        return length;
    }

    /** Sends {@code request} (from {@link #tcpRequest}) and reads the {@code size} bytes it asks for. */
    int fetch(byte[] request, int size) throws IOException {
        out.write(request);
        out.flush();
        drain(size);
        return size;
    }

    /** Reads a response head up to its blank line; returns its {@code Content-Length}. */
    private int readHead() throws IOException {
        int n = 0;
        while (n < 4 || head[n - 4] != '\r' || head[n - 3] != '\n' || head[n - 2] != '\r' || head[n - 1] != '\n') {
            if (n == head.length) {
                throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + n + " bytes of the response head");
            }
            head[n++] = (byte) b;
        }
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 200 ")) {
            throw new IOException("unexpected response: " + text.lines().findFirst().orElse(""));
        }
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new IOException("response without Content-Length: " + text);
    }

    private void drain(int length) throws IOException {
        int left = length;
        while (left > 0) {
            int read = in.read(sink, 0, Math.min(left, sink.length));
            if (read < 0) {
                throw new EOFException("connection closed with " + left + " of " + length + " bytes unread");
            }
            left -= read;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
