package dev.maitre.chaos.backend;

import dev.maitre.testing.WebSocketEchoServer;

/**
 * One WebSocket backend: proxy-testing's {@link WebSocketEchoServer} (echo at {@code /ws}, a plain
 * 200 on {@code /healthz} for the checks) on a loopback port it binds as port 0 when first started
 * and keeps, so that after a crash it starts again where maitre, through Toxiproxy, knows it.
 *
 * <p>An echo says nothing of who echoed, so the backend names itself: {@link #rollCall()} sends
 * {@code "backend <name>"} to every WebSocket open on it, which is how a client learns which
 * backend its tunnel reaches.
 */
public final class WebSocketBackend implements BackendServer {

    /** The message prefix of {@link #rollCall()}. */
    public static final String ROLL_CALL = "backend ";

    private final String name;
    private int port;
    private WebSocketEchoServer server;

    public WebSocketBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized int port() {
        return port;
    }

    @Override
    public synchronized void start() throws InterruptedException {
        if (server != null) {
            return;
        }
        server = port == 0 ? WebSocketEchoServer.start() : WebSocketEchoServer.startOn(port);
        port = server.address().port();
    }

    /**
     * Dies as a killed process does: the port stops listening and every connection is reset, with no
     * close frame ({@link WebSocketEchoServer#crash()}).
     */
    public synchronized void crash() throws InterruptedException {
        if (server != null) {
            server.crash();
            server = null;
        }
    }

    /** The handshakes accepted since it last started (a restarted process counts from zero). */
    public synchronized int handshakes() {
        return server == null ? 0 : server.handshakes();
    }

    /** WebSockets open on it now. */
    public synchronized int openWebSockets() {
        return server == null ? 0 : server.openWebSockets();
    }

    /** Sends {@code "backend <name>"} to every WebSocket open on it; nothing while it is down. */
    public void rollCall() throws InterruptedException {
        WebSocketEchoServer running;
        synchronized (this) {
            running = server;
        }
        if (running != null) {
            running.sendToAll(ROLL_CALL + name);
        }
    }

    /** Ends its WebSockets with a close frame (going away) and stops. */
    @Override
    public synchronized void close() {
        if (server != null) {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }
}
