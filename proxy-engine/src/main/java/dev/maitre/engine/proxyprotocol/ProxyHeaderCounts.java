package dev.maitre.engine.proxyprotocol;

import java.util.concurrent.atomic.LongAdder;

/**
 * The PROXY protocol headers of one listener's connections, for metrics and tests: those read, and the
 * connections closed for want of one, by {@link Refusal}. Counted from any worker loop without a lock.
 */
public final class ProxyHeaderCounts {

    /** Why a connection was closed before its header was read. */
    public enum Refusal {
        /** The peer is not one of the listener's {@code trustedProxies}. */
        UNTRUSTED,
        /** What came was no valid PROXY header (v1 longer than 107 bytes or garbled, v2 malformed). */
        MALFORMED,
        /** No complete header within the listener's {@code timeouts.requestHeader}. */
        TIMEOUT,
        /** The peer closed before its header was complete. */
        CLOSED
    }

    private final LongAdder read = new LongAdder();
    private final LongAdder[] refused = new LongAdder[Refusal.values().length];

    public ProxyHeaderCounts() {
        for (int i = 0; i < refused.length; i++) {
            refused[i] = new LongAdder();
        }
    }

    /** Headers read, naming a client or not ({@code LOCAL}, {@code UNKNOWN}). */
    public long read() {
        return read.sum();
    }

    /** Connections closed for {@code refusal}. */
    public long refused(Refusal refusal) {
        return refused[refusal.ordinal()].sum();
    }

    void countRead() {
        read.increment();
    }

    void countRefused(Refusal refusal) {
        refused[refusal.ordinal()].increment();
    }
}
