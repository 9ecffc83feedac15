package dev.maitre.engine.http;

import dev.maitre.api.BackendId;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnel counts of an engine, per listener (by name) and per backend. A listener or backend keeps
 * its counts for the life of the engine, through reloads that change it or take it away and bring
 * it back, so counters never go back.
 */
public final class Tunnels {

    private final ConcurrentHashMap<String, TunnelCounts> listeners = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BackendId, TunnelCounts> backends = new ConcurrentHashMap<>();

    /** The counts of the tunnels of listener {@code name}; zeros for a listener that had none. */
    public TunnelCounts ofListener(String name) {
        TunnelCounts counts = listeners.get(name);
        return counts != null ? counts : listeners.computeIfAbsent(name, n -> new TunnelCounts());
    }

    /** The counts of the tunnels to {@code backend}; zeros for a backend that had none. */
    public TunnelCounts ofBackend(BackendId backend) {
        // Read first: a tunnel opening to a backend seen before takes no lock.
        TunnelCounts counts = backends.get(backend);
        return counts != null ? counts : backends.computeIfAbsent(backend, b -> new TunnelCounts());
    }
}
