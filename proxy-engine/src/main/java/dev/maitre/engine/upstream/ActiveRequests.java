package dev.maitre.engine.upstream;

import dev.maitre.api.BackendId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests each backend is serving right now, across all event loops: counted from the moment a
 * request is handed to a backend connection until that connection is given back. An L4 connection
 * counts as one request for as long as it is paired with its backend.
 */
public final class ActiveRequests {

    private final ConcurrentHashMap<BackendId, AtomicInteger> counts = new ConcurrentHashMap<>();

    public void increment(BackendId backend) {
        counts.computeIfAbsent(backend, id -> new AtomicInteger()).incrementAndGet();
    }

    public void decrement(BackendId backend) {
        AtomicInteger count = counts.get(backend);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Requests {@code backend} is serving now. */
    public int of(BackendId backend) {
        AtomicInteger count = counts.get(backend);
        return count == null ? 0 : count.get();
    }
}
