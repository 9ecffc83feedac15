package dev.maitre.engine.http;

import dev.maitre.engine.relay.PairRelay;

/**
 * What one tunnel tells as it runs: the bytes it passes, to its listener's and its backend's counts
 * as they pass, then its end. It also keeps what the access log's line for it says: how long it was
 * open, the bytes each way, how it ended. Confined to the tunnel's event loop.
 */
final class TunnelReport implements PairRelay.Traffic {

    private final TunnelCounts listener;
    private final TunnelCounts backend;
    private final long openedNanos = System.nanoTime();
    private long openNanos = -1;
    private long bytesFromClient;
    private long bytesFromBackend;
    private PairRelay.End end;

    /** A tunnel opening now: counted open by both until it ends. */
    TunnelReport(TunnelCounts listener, TunnelCounts backend) {
        this.listener = listener;
        this.backend = backend;
        listener.opened();
        backend.opened();
    }

    @Override
    public void fromClient(int bytes) {
        bytesFromClient += bytes;
        listener.fromClient(bytes);
        backend.fromClient(bytes);
    }

    @Override
    public void fromBackend(int bytes) {
        bytesFromBackend += bytes;
        listener.fromBackend(bytes);
        backend.fromBackend(bytes);
    }

    /** The tunnel is over; called once. */
    void ended(PairRelay.End how) {
        end = how;
        openNanos = System.nanoTime() - openedNanos;
        listener.closed(how);
        backend.closed(how);
    }

    long bytesFromClient() {
        return bytesFromClient;
    }

    long bytesFromBackend() {
        return bytesFromBackend;
    }

    /** How long the tunnel was open, from the {@code 101} to its end. */
    long openNanos() {
        return openNanos;
    }

    /** How it ended; {@code null} while it runs. */
    PairRelay.End end() {
        return end;
    }
}
