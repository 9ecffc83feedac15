package dev.maitre.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client socket that sends exact bytes and reads responses as they arrive. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(InetSocketAddress address) throws IOException {
        this(address, null);
    }

    /** A client connecting from {@code local} (any loopback address such as 127.0.0.5 works on Linux); any when null. */
    public RawClient(InetSocketAddress address, java.net.InetAddress local) throws IOException {
        socket = new Socket();
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public HttpMessage response() throws IOException {
        return HttpMessage.readResponse(in, false);
    }

    public HttpMessage headResponse() throws IOException {
        return HttpMessage.readResponse(in, true);
    }

    /** One GET of {@code path} over this connection. */
    public HttpMessage get(String path) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: test.local\r\n\r\n");
        return response();
    }

    /** True when the proxy closed the connection: reading gives end of stream (or a reset). */
    public boolean isClosedByPeer(int timeoutMillis) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMillis);
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            socket.setSoTimeout(old);
        }
    }

    public Socket socket() {
        return socket;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
