package dev.maitre.testing;

import dev.maitre.api.HostPort;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a real loopback socket whose behaviour a test scripts connection by connection, down
 * to the byte: for what a regular HTTP server would not do (1xx, trailers, slow reads, resets).
 */
public final class RawBackend implements AutoCloseable {

    /** What the backend does with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void serve(Connection connection) throws Exception;
    }

    /** How the backend answers one request read on a kept-alive connection. */
    @FunctionalInterface
    public interface Answer {
        void answer(HttpMessage request, Connection connection) throws Exception;
    }

    /** One accepted connection. */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** A connection a test accepted itself, for when it must control accepting too. */
        public static Connection of(Socket socket) throws IOException {
            return new Connection(socket);
        }

        public HttpMessage readRequest() throws IOException {
            return HttpMessage.readRequest(in);
        }

        public void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** A complete 200 answer with a Content-Length body. */
        public void respond(String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            write("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n");
            write(bytes);
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

        /** Reads and drops whatever comes until the peer ends the connection or the backend closes. */
        public void awaitEnd() {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException endedAbruptly) {
                // a reset or a closed socket ends it as well
            }
        }

        /** Closes the connection with a reset (RST) instead of a clean end (FIN). */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final List<HttpMessage> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Script script;

    private RawBackend(Script script) throws IOException {
        this.script = script;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public static RawBackend start(Script script) throws IOException {
        return new RawBackend(script);
    }

    /** Accepts connections and never says a word on them; they stay open until the peer or {@link #close} ends them. */
    public static RawBackend silent() throws IOException {
        return start(Connection::awaitEnd);
    }

    /** Closes every connection as soon as it is accepted, cleanly. */
    public static RawBackend closing() throws IOException {
        return start(connection -> { });
    }

    /** Closes every connection as soon as it is accepted, with a reset. */
    public static RawBackend resetting() throws IOException {
        return start(Connection::reset);
    }

    /** Writes {@code text} on every connection, whatever the peer sends, and keeps it open. */
    public static RawBackend writing(String text) throws IOException {
        return start(connection -> {
            connection.write(text);
            connection.awaitEnd();
        });
    }

    /**
     * A keep-alive backend that answers every request with 200 and {@code body}, recording requests.
     */
    public static RawBackend answering(String body) throws IOException {
        return eachRequest((request, connection) -> {
            if (request.method().equals("HEAD")) {
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n");
            } else {
                connection.respond(body);
            }
        });
    }

    /**
     * A keep-alive backend that reads request after request on each connection, records each and
     * lets {@code answer} reply, until the peer closes the connection.
     */
    public static RawBackend eachRequest(Answer answer) throws IOException {
        RawBackend[] self = new RawBackend[1];
        self[0] = new RawBackend(connection -> {
            while (true) {
                HttpMessage request;
                try {
                    request = connection.readRequest();
                } catch (IOException e) {
                    self[0].closedByPeer.incrementAndGet();
                    return;
                }
                self[0].requests.add(request);
                answer.answer(request, connection);
            }
        });
        return self[0];
    }

    /**
     * A keep-alive backend that answers the n-th request it receives, over all its connections,
     * with the n-th of {@code responses}, sent exactly as given; recording requests.
     */
    public static RawBackend replying(String... responses) throws IOException {
        AtomicInteger next = new AtomicInteger();
        return eachRequest((request, connection) -> connection.write(responses[next.getAndIncrement()]));
    }

    public void script(Script newScript) {
        script = newScript;
    }

    /** Requests recorded by {@link #answering} backends and by scripts that call {@link #record}. */
    public List<HttpMessage> requests() {
        return requests;
    }

    public void record(HttpMessage request) {
        requests.add(request);
    }

    /** Connections of an {@link #answering} backend that the proxy closed. */
    public int connectionsClosedByPeer() {
        return closedByPeer.get();
    }

    public int connectionsAccepted() {
        return connections.get();
    }

    public List<Throwable> failures() {
        return failures;
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                threads.execute(() -> {
                    try (socket) {
                        script.serve(new Connection(socket));
                    } catch (Exception e) {
                        failures.add(e);
                    } finally {
                        open.remove(socket);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
