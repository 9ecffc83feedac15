package dev.maitre.engine.http;

/** The last few stream ids added, in a ring: a bounded memory of streams, however many a connection has. */
final class RecentStreams {

    private static final int SIZE = 32;

    private final int[] ids = new int[SIZE];
    private int next;

    void add(int id) {
        ids[next] = id;
        next = (next + 1) % SIZE;
    }

    boolean contains(int id) {
        for (int known : ids) {
            if (known == id) {
                return true;
            }
        }
        return false;
    }
}
