package dev.maitre.engine.tls;

import io.netty.channel.ChannelHandler;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The TLS handshakes of one listener's clients, for metrics: those that completed, by negotiated protocol
 * and cipher suite, and those that failed, by {@link HandshakeFailure}. Kept by the listener for its
 * whole life, so a reload that replaces its TLS goes on counting. Counted from any worker loop without
 * a lock.
 */
public final class HandshakeCounts {

    /** A protocol version and cipher suite a handshake agreed on, such as {@code TLSv1.3} and {@code TLS_AES_128_GCM_SHA256}. */
    public record Negotiated(String protocol, String cipherSuite) {
    }

    private final ConcurrentHashMap<Negotiated, LongAdder> completed = new ConcurrentHashMap<>();
    private final LongAdder[] failed = new LongAdder[HandshakeFailure.values().length];

    public HandshakeCounts() {
        for (int i = 0; i < failed.length; i++) {
            failed[i] = new LongAdder();
        }
    }

    /** A new connection's counter, placed right after its TLS handler; it leaves once it has counted. */
    public ChannelHandler newCounter() {
        return new HandshakeCounter(this);
    }

    void recordCompleted(String protocol, String cipherSuite) {
        Negotiated key = new Negotiated(protocol, cipherSuite);
        LongAdder count = completed.get(key);
        if (count == null) {
            // Few combinations ever occur; each is created once.
            count = completed.computeIfAbsent(key, k -> new LongAdder());
        }
        count.increment();
    }

    void recordFailed(HandshakeFailure reason) {
        failed[reason.ordinal()].increment();
    }

    /** Handshakes completed so far, by what they negotiated; a combination appears once it first occurs. */
    public Map<Negotiated, Long> completed() {
        Map<Negotiated, Long> counts = new HashMap<>();
        completed.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }

    /** Handshakes completed with {@code negotiated} so far. */
    public long completed(Negotiated negotiated) {
        LongAdder count = completed.get(negotiated);
        return count == null ? 0 : count.sum();
    }

    /** Handshakes failed for {@code reason} so far. */
    public long failed(HandshakeFailure reason) {
        return failed[reason.ordinal()].sum();
    }

    /** Handshakes failed so far, by reason, every reason present. */
    public Map<HandshakeFailure, Long> failures() {
        Map<HandshakeFailure, Long> counts = new EnumMap<>(HandshakeFailure.class);
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            counts.put(reason, failed(reason));
        }
        return counts;
    }
}
