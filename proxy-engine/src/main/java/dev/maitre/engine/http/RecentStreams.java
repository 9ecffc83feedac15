package dev.maitre.engine.http;

/**
 * The last stream ids added, in a ring made at the first one (most connections never reset a stream):
 * a bounded memory of streams, however many a connection has.
 */
final class RecentStreams {

    /** Enough for a client's streams in flight (100 by default) to cross maitre's resets. */
    private static final int SIZE = 128;

    private int[] ids;
    private int next;

    void add(int id) {
        if (ids == null) {
            ids = new int[SIZE];
        }
        ids[next] = id;
        next = (next + 1) % SIZE;
    }

    boolean contains(int id) {
        if (ids == null) {
            return false;
        }
        for (int known : ids) {
            if (known == id) {
                return true;
            }
        }
        return false;
    }
}
