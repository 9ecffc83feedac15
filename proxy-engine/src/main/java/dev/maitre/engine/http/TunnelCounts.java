package dev.maitre.engine.http;

import dev.maitre.engine.relay.PairRelay;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the tunnels of one listener, or to one backend, have done: how many are open now, the bytes
 * they passed each way, and how many ended each way a tunnel ends. Added to from every event loop
 * without a lock, read when the metrics are scraped.
 */
public final class TunnelCounts {

    private final LongAdder open = new LongAdder();
    private final LongAdder bytesFromClient = new LongAdder();
    private final LongAdder bytesFromBackend = new LongAdder();
    private final LongAdder[] ended = new LongAdder[PairRelay.End.values().length];

    TunnelCounts() {
        for (int i = 0; i < ended.length; i++) {
            ended[i] = new LongAdder();
        }
    }

    /** Tunnels open now. */
    public long open() {
        return open.sum();
    }

    /** Bytes passed from clients to backends, tunnels open and ended alike. */
    public long bytesFromClient() {
        return bytesFromClient.sum();
    }

    /** Bytes passed from backends to clients, tunnels open and ended alike. */
    public long bytesFromBackend() {
        return bytesFromBackend.sum();
    }

    /** Tunnels that ended as {@code end} says. */
    public long ended(PairRelay.End end) {
        return ended[end.ordinal()].sum();
    }

    void opened() {
        open.increment();
    }

    void fromClient(int bytes) {
        bytesFromClient.add(bytes);
    }

    void fromBackend(int bytes) {
        bytesFromBackend.add(bytes);
    }

    void closed(PairRelay.End end) {
        open.decrement();
        ended[end.ordinal()].increment();
    }
}
