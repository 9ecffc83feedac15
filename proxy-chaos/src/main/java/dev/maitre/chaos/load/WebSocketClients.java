package dev.maitre.chaos.load;

import dev.maitre.api.HostPort;
import dev.maitre.testing.WebSocketHandshakeRefused;
import dev.maitre.testing.WebSocketTestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket clients of maitre that keep their WebSocket up: each opens one to {@code /ws}, sends a
 * text message every period and checks that the echoes come back in order, and whenever its
 * connection ends opens another at once (no back-off, so the scenario sees the first reconnect).
 * Each client waits for its connection's end on a thread of its own, so the end is stamped when it
 * happens; the sending is done by a small shared scheduler. Every tunnel and every handshake that
 * failed is kept for the scenario's checks.
 */
public final class WebSocketClients implements AutoCloseable {

    /** A handshake that did not open a WebSocket: when, and what came instead of a {@code 101}. */
    public record FailedHandshake(int client, long startNanos, long endNanos, int status, String reason) {
    }

    public static final String PATH = "/ws";
    /** After a failed handshake a client tries again this much later, so a broken proxy is not hammered. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    /** How long {@link #stop()} waits for the echoes of the messages already sent. */
    private static final Duration LAST_ECHOES = Duration.ofSeconds(3);

    private record Live(WebSocketTestClient webSocket, Tunnel tunnel, ScheduledFuture<?> ticks) {
    }

    private final HostPort address;
    private final int count;
    private final Duration period;
    private final ScheduledExecutorService senders = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "websocket-senders");
        t.setDaemon(true);
        return t;
    });
    private final List<Thread> threads = new ArrayList<>();
    private final List<Tunnel> tunnels = new CopyOnWriteArrayList<>();
    private final List<FailedHandshake> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final Object lock = new Object();
    private final Map<Integer, Live> live = new HashMap<>();
    private boolean running = true;

    private WebSocketClients(HostPort address, int count, Duration period) {
        this.address = address;
        this.count = count;
        this.period = period;
    }

    /** Starts {@code count} clients against maitre's listener on {@code port}, one message each per {@code period}. */
    public static WebSocketClients start(int port, int count, Duration period) {
        WebSocketClients clients = new WebSocketClients(new HostPort("127.0.0.1", port), count, period);
        for (int i = 0; i < count; i++) {
            int client = i;
            Thread thread = new Thread(() -> clients.run(client), "websocket-client-" + i);
            thread.setDaemon(true);
            clients.threads.add(thread);
            thread.start();
        }
        return clients;
    }

    /** Every tunnel so far, open or ended, in the order they opened. */
    public List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    /** Every handshake that failed so far, the probes' included. */
    public List<FailedHandshake> failedHandshakes() {
        return List.copyOf(failures);
    }

    private void run(int client) {
        while (isRunning()) {
            long start = System.nanoTime();
            WebSocketTestClient webSocket = connect(client, start);
            if (webSocket == null) {
                if (!pause()) {
                    return;
                }
                continue;
            }
            Tunnel tunnel = new Tunnel(client, start, System.nanoTime());
            tunnels.add(tunnel);
            if (!live(client, webSocket, tunnel)) {
                return;
            }
        }
    }

    /** The WebSocket, or null when the handshake failed (recorded). */
    private WebSocketTestClient connect(int client, long start) {
        try {
            return WebSocketTestClient.connect(address, PATH);
        } catch (WebSocketHandshakeRefused refused) {
            failures.add(new FailedHandshake(client, start, System.nanoTime(), refused.status(), refused.getMessage()));
        } catch (IOException e) {
            failures.add(new FailedHandshake(client, start, System.nanoTime(), 0, e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** Sends and checks on {@code tunnel} until it ends; false when the clients are stopping. */
    private boolean live(int client, WebSocketTestClient webSocket, Tunnel tunnel) {
        ScheduledFuture<?> ticks = null;
        synchronized (lock) {
            if (running) {
                ticks = senders.scheduleAtFixedRate(() -> tick(webSocket, tunnel), 0, period.toMillis(),
                        TimeUnit.MILLISECONDS);
                live.put(client, new Live(webSocket, tunnel, ticks));
            }
        }
        if (ticks == null) {
            // opened while the clients were being stopped
            tunnel.closing();
            closeQuietly(webSocket);
            tunnel.ended(System.nanoTime());
            return false;
        }
        try {
            // Returns the moment the connection ends: this thread does nothing else.
            webSocket.awaitConnectionEnd(Duration.ofHours(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnel.ended(System.nanoTime());
        ticks.cancel(false);
        synchronized (tunnel) {
            drain(webSocket, tunnel);
        }
        synchronized (lock) {
            live.remove(client);
        }
        return !Thread.currentThread().isInterrupted();
    }

    private void tick(WebSocketTestClient webSocket, Tunnel tunnel) {
        synchronized (tunnel) {
            drain(webSocket, tunnel);
            if (tunnel.isOpen() && webSocket.isOpen()) {
                webSocket.sendText(tunnel.nextMessage());
            }
        }
    }

    /** Takes every message received so far; called under the tunnel's lock. */
    private static void drain(WebSocketTestClient webSocket, Tunnel tunnel) {
        try {
            while (webSocket.pendingMessages() > 0) {
                tunnel.received(webSocket.awaitText(Duration.ZERO));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Opens one more WebSocket, waits until its backend has named itself and one message has come
     * back, and closes it: a new visitor, for checking where new tunnels go. Returns the tunnel, or
     * null when the handshake failed (recorded with the others).
     */
    public Tunnel probe(Duration timeout) throws InterruptedException {
        int client = count + probes.getAndIncrement();
        long start = System.nanoTime();
        WebSocketTestClient webSocket = connect(client, start);
        if (webSocket == null) {
            return null;
        }
        Tunnel tunnel = new Tunnel(client, start, System.nanoTime());
        tunnels.add(tunnel);
        long deadline = start + timeout.toNanos();
        try {
            synchronized (tunnel) {
                webSocket.sendText(tunnel.nextMessage());
            }
            while ((tunnel.backend() == null || tunnel.echoed() == 0) && webSocket.isOpen()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
                synchronized (tunnel) {
                    drain(webSocket, tunnel);
                }
            }
        } finally {
            tunnel.closing();
            closeQuietly(webSocket);
            tunnel.ended(System.nanoTime());
        }
        return tunnel;
    }

    /**
     * Stops the clients: no more messages and no more reconnects; waits a little for the echoes of
     * what was sent, then closes every WebSocket with a close handshake. Returns every tunnel.
     */
    public List<Tunnel> stop() throws InterruptedException {
        List<Live> open;
        synchronized (lock) {
            if (!running) {
                return List.copyOf(tunnels);
            }
            running = false;
            open = List.copyOf(live.values());
        }
        open.forEach(l -> l.ticks().cancel(false));
        long deadline = System.nanoTime() + LAST_ECHOES.toNanos();
        for (Live l : open) {
            while (l.tunnel().isOpen() && l.tunnel().echoed() < l.tunnel().sent() && System.nanoTime() < deadline) {
                Thread.sleep(10);
                synchronized (l.tunnel()) {
                    drain(l.webSocket(), l.tunnel());
                }
            }
        }
        for (Live l : open) {
            l.tunnel().closing();
            closeQuietly(l.webSocket());
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        }
        senders.shutdownNow();
        return List.copyOf(tunnels);
    }

    /** {@link #stop()}, unless done already: a scenario that failed half-way leaves no client behind. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean isRunning() {
        synchronized (lock) {
            return running;
        }
    }

    /** Waits {@link #RETRY_PAUSE}; false when interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(WebSocketTestClient webSocket) {
        try {
            webSocket.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
