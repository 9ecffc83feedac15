package dev.maitre.testing;

import dev.maitre.api.HostPort;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A backend that speaks TLS on loopback (the JDK's provider), with a certificate a test CA issued:
 * it answers every HTTP request with {@code 200} and a fixed body, or echoes bytes back. It keeps
 * what a test asserts on: the requests, the handshakes that failed and why, connections that opened
 * with anything but a TLS handshake (clear text), the sessions negotiated (to see resumption) and the
 * client certificates presented.
 */
public final class TlsBackend implements AutoCloseable {

    static {
        // The JDK reads this switch once per JVM, at its first server handshake, whichever server that
        // is. maitre's listeners set it before theirs; a test backend that handshakes first in a test JVM
        // shared with listener tests must not fix it to the JDK's default (renegotiation accepted).
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    /** What one completed handshake negotiated. */
    public record Handshake(String sessionId, long sessionCreated, String protocol, String serverName,
                            String clientSubject) {
    }

    private final ServerSocket server;
    private final SSLContext context;
    private final String[] protocols;
    private final boolean needClientAuth;
    private final boolean echo;
    private final String body;
    private final List<HttpMessage> requests = new CopyOnWriteArrayList<>();
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<String> failedHandshakes = new CopyOnWriteArrayList<>();
    private final AtomicInteger clearTextConnections = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cleanEnds = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TlsBackend(Builder builder) throws IOException {
        this.protocols = builder.protocols;
        this.needClientAuth = builder.clientCa != null;
        this.echo = builder.echo;
        this.body = builder.body;
        try {
            context = SSLContext.getInstance("TLS");
            TrustManagerFactory trust = builder.clientCa != null ? builder.clientCa.trustManagerFactory() : null;
            context.init(builder.certificate.bundle().toKeyManagerFactory().getKeyManagers(),
                    trust != null ? trust.getTrustManagers() : null, null);
        } catch (Exception e) {
            throw new IOException("cannot make the backend's TLS context", e);
        }
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "tls-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A backend presenting {@code certificate}. */
    public static Builder presenting(TestCertificates.Issued certificate) {
        return new Builder(certificate);
    }

    /** How a {@link TlsBackend} behaves. */
    public static final class Builder {
        private final TestCertificates.Issued certificate;
        private String[] protocols = {"TLSv1.3", "TLSv1.2"};
        private TestCertificates.Authority clientCa;
        private boolean echo;
        private String body = "over tls";

        private Builder(TestCertificates.Issued certificate) {
            this.certificate = certificate;
        }

        /** Speaks only these protocol versions, such as {@code TLSv1.2}. */
        public Builder protocols(String... value) {
            protocols = value;
            return this;
        }

        /** Requires a client certificate that {@code authority} issued. */
        public Builder requireClientCertificate(TestCertificates.Authority authority) {
            clientCa = authority;
            return this;
        }

        /** Echoes bytes back instead of answering HTTP. */
        public Builder echo() {
            echo = true;
            return this;
        }

        /** The body of every answer. */
        public Builder answering(String value) {
            body = value;
            return this;
        }

        public TlsBackend start() throws IOException {
            return new TlsBackend(this);
        }
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", server.getLocalPort());
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    public List<HttpMessage> requests() {
        return requests;
    }

    public List<Handshake> handshakes() {
        return handshakes;
    }

    /** Why each failed handshake failed, in the JDK's words. */
    public List<String> failedHandshakes() {
        return failedHandshakes;
    }

    /**
     * Waits (up to 10 seconds) until every connection accepted so far has shown what it is: a
     * completed or failed handshake, clear text, or nothing at all; returns how many were accepted.
     */
    public int awaitSettled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (settled.get() < accepted.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (settled.get() < accepted.get()) {
            throw new AssertionError(accepted.get() - settled.get() + " connections still unsettled");
        }
        return accepted.get();
    }

    /**
     * Echoed connections whose input ended cleanly: a close_notify before the end of the stream (the
     * JDK reports an end without one as an error).
     */
    public int cleanEnds() {
        return cleanEnds.get();
    }

    /** Connections whose first byte was not the start of a TLS handshake. */
    public int clearTextConnections() {
        return clearTextConnections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                accepted.incrementAndGet();
                Thread serving = new Thread(() -> serve(socket), "tls-backend-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket plain) {
        try (plain) {
            plain.setSoTimeout(30_000);
            SSLSocket tls = handshake(plain);
            if (tls == null) {
                return;
            }
            if (echo) {
                echo(tls.getInputStream(), tls.getOutputStream());
                tls.close(); // close_notify, then the end of the stream
            } else {
                answer(tls.getInputStream(), tls.getOutputStream());
            }
        } catch (IOException e) {
            // the peer went away
        } finally {
            open.remove(plain);
        }
    }

    /** The connection after a completed handshake, or null (clear text, a failed handshake, nothing sent). */
    private SSLSocket handshake(Socket plain) {
        try {
            int first = plain.getInputStream().read();
            if (first < 0) {
                return null;
            }
            if (first != 0x16) {
                clearTextConnections.incrementAndGet();
                return null;
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain,
                    new ByteArrayInputStream(new byte[] {(byte) first}), true);
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(protocols);
            tls.setNeedClientAuth(needClientAuth);
            try {
                tls.startHandshake();
            } catch (IOException e) {
                failedHandshakes.add(String.valueOf(e.getMessage()));
                return null;
            }
            handshakes.add(handshake(tls.getSession()));
            return tls;
        } catch (IOException e) {
            return null;
        } finally {
            settled.incrementAndGet();
        }
    }

    private static Handshake handshake(SSLSession session) {
        String serverName = null;
        if (session instanceof ExtendedSSLSession extended) {
            serverName = extended.getRequestedServerNames().stream()
                    .map(name -> new String(name.getEncoded(), StandardCharsets.US_ASCII)).findFirst().orElse(null);
        }
        String client = null;
        try {
            client = session.getPeerPrincipal().getName();
        } catch (IOException e) {
            // no client certificate
        }
        return new Handshake(HexFormat.of().formatHex(session.getId()), session.getCreationTime(),
                session.getProtocol(), serverName, client);
    }

    private void answer(InputStream in, OutputStream out) throws IOException {
        while (true) {
            HttpMessage request;
            try {
                request = HttpMessage.readRequest(in);
            } catch (EOFException | SocketException e) {
                return;
            }
            if (request == null) {
                return;
            }
            requests.add(request);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }
    }

    private void echo(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        cleanEnds.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
    }
}
