package dev.maitre.health.check;

import dev.maitre.api.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server that treats every connection it accepts the same way, for the misbehaving
 * backends an HTTP server cannot play: silent, closing, resetting, answering garbage.
 */
final class RawServer implements AutoCloseable {

    /** What the server does with a connection it accepted. */
    @FunctionalInterface
    interface Conduct {
        void accept(Socket socket) throws IOException;
    }

    /** Accepts and then never says a word. */
    static final Conduct SILENT = socket -> { };

    /** Closes at once, cleanly. */
    static final Conduct CLOSING = Socket::close;

    /** Closes at once with a reset. */
    static final Conduct RESETTING = socket -> {
        socket.setSoLinger(true, 0);
        socket.close();
    };

    /** Writes {@code bytes} and keeps the connection open. */
    static Conduct writing(String text) {
        return socket -> {
            socket.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        };
    }

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private RawServer(Conduct conduct) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    conduct.accept(socket);
                } catch (IOException e) {
                    // closed
                }
            }
        }, "raw-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawServer start(Conduct conduct) {
        try {
            return new RawServer(conduct);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    int connections() {
        return accepted.size();
    }

    /** An address on which nothing listens: connections to it are refused. */
    static HostPort refusingAddress() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new HostPort("127.0.0.1", socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
