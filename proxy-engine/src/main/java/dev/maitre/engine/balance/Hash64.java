package dev.maitre.engine.balance;

/**
 * The 64-bit hash consistent hashing uses, for request keys and backend names alike: FNV-1a over the
 * characters, then a finalizer so that similar inputs (10.0.0.1, 10.0.0.2) land far apart. Hashes
 * without allocating, and gives the same value in every JVM.
 */
public final class Hash64 {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Hash64() {
    }

    public static long of(CharSequence text) {
        return of(text, 0, text.length());
    }

    /** The hash of {@code text} from {@code start} (inclusive) to {@code end} (exclusive). */
    public static long of(CharSequence text, int start, int end) {
        long hash = FNV_OFFSET;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            hash = (hash ^ (c & 0xff)) * FNV_PRIME;
            if (c > 0xff) {
                hash = (hash ^ (c >>> 8)) * FNV_PRIME;
            }
        }
        return mix(hash);
    }

    /** Spreads the bits of {@code value} over the whole word (the finalizer of MurmurHash3). */
    public static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
