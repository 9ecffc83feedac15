package dev.maitre.chaos.load;

import dev.maitre.chaos.backend.WebSocketBackend;

/**
 * One WebSocket connection through maitre as its client lived it: when the handshake was sent and
 * answered, which backend it reached (the first roll call it heard), the messages it sent and the
 * echoes that came back in order, and how it ended. Written by its client's threads one at a time
 * (under the tunnel's lock), read by the scenario at any time (each field is published on its own).
 */
public final class Tunnel {

    /** How a tunnel ended. */
    public enum End {
        /** Still open. */
        OPEN,
        /** Its client closed it (a close handshake), when the scenario stopped the clients. */
        CLOSED_BY_CLIENT,
        /** It ended without the client asking: a reset, a close, or a close frame from the other side. */
        CUT
    }

    private final int client;
    private final long handshakeNanos;
    private final long openedNanos;
    private volatile String backend;
    private volatile long endedNanos;
    private volatile End end = End.OPEN;
    private volatile boolean closing;
    private volatile int sent;
    private volatile int echoed;
    private volatile int misordered;
    private volatile int strangers;

    Tunnel(int client, long handshakeNanos, long openedNanos) {
        this.client = client;
        this.handshakeNanos = handshakeNanos;
        this.openedNanos = openedNanos;
    }

    /** The client's number, 0 to N−1. */
    public int client() {
        return client;
    }

    /** Monotonic clock when the upgrade request was sent. */
    public long handshakeNanos() {
        return handshakeNanos;
    }

    /** Monotonic clock when the {@code 101} arrived. */
    public long openedNanos() {
        return openedNanos;
    }

    /** The backend that named itself on it, or null before its first roll call. */
    public String backend() {
        return backend;
    }

    public End end() {
        return end;
    }

    /** Monotonic clock when it ended; meaningless while it is {@link End#OPEN}. */
    public long endedNanos() {
        return endedNanos;
    }

    public int sent() {
        return sent;
    }

    public int echoed() {
        return echoed;
    }

    /** Echoes that came back out of order or with text never sent. */
    public int misordered() {
        return misordered;
    }

    /** Roll calls naming a backend other than the first one heard: a tunnel that changed its backend. */
    public int strangers() {
        return strangers;
    }

    boolean isOpen() {
        return end == End.OPEN;
    }

    /** The next message to send: {@code c<client>-<n>}, n counting from 1 on each tunnel. */
    String nextMessage() {
        sent++;
        return message(sent);
    }

    private String message(int n) {
        return "c" + client + "-" + n;
    }

    /** Sorts one received text: a roll call names the backend, anything else must be the next echo. */
    void received(String text) {
        if (text.startsWith(WebSocketBackend.ROLL_CALL)) {
            String name = text.substring(WebSocketBackend.ROLL_CALL.length());
            if (backend == null) {
                backend = name;
            } else if (!backend.equals(name)) {
                strangers++;
            }
        } else if (text.equals(message(echoed + 1))) {
            echoed++;
        } else {
            misordered++;
        }
    }

    /** The client is about to close it: its end is then the client's own. */
    void closing() {
        closing = true;
    }

    void ended(long nanos) {
        endedNanos = nanos;
        end = closing ? End.CLOSED_BY_CLIENT : End.CUT;
    }

    @Override
    public String toString() {
        return "client " + client + " on " + backend + " (" + end + ", " + echoed + "/" + sent + " echoed)";
    }
}
