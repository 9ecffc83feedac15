package dev.maitre.testing;

import dev.maitre.api.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Loopback ports for tests that can never be taken by anyone else. A port learnt by opening and
 * closing a server socket is free only for a moment: another test, or the kernel choosing the
 * local port of an outgoing connection, can take it before it is used. So a server under test binds
 * port 0 and tells the port it got; and an address where nothing listens is held here.
 */
public final class Ports {

    /** Bound, never listening: they keep their ports for the life of the test JVM. */
    private static final List<Socket> HELD = new CopyOnWriteArrayList<>();

    private Ports() {
    }

    /**
     * A loopback address where nothing listens, so connecting to it is refused. The port stays bound
     * by a socket that does not listen until the JVM exits: no server and no outgoing connection can
     * take it meanwhile, so it refuses for as long as a test can ask.
     */
    public static HostPort refusing() {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("no loopback port to hold", e);
        }
        HELD.add(socket);
        return new HostPort("127.0.0.1", socket.getLocalPort());
    }
}
