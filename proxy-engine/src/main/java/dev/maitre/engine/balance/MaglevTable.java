package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A Maglev lookup table (Eisenbud et al., NSDI 2016) over one eligible snapshot: M slots, M prime, each
 * holding an endpoint, filled by letting every endpoint claim slots in its own pseudo-random order,
 * in turns, as often as its weight allows. A key's endpoint is one array read; when an endpoint joins
 * or leaves, little more than its own share of the slots changes hands.
 */
final class MaglevTable {

    /** Envoy's default table size; a prime with room for ~650 endpoints at 100 slots each. */
    static final int MIN_SIZE = 65_537;
    /** Slots per endpoint for larger clusters, where Maglev's paper puts the disruption low. */
    private static final int SLOTS_PER_ENDPOINT = 100;

    final Roster roster;
    private final Endpoint[] slots;

    MaglevTable(Roster roster) {
        this.roster = roster;
        int size = roster.size();
        this.slots = new Endpoint[size == 0 ? 0 : tableSize(size)];
        if (size > 0) {
            fill();
        }
    }

    static int tableSize(int endpoints) {
        long wanted = Math.max(MIN_SIZE, (long) endpoints * SLOTS_PER_ENDPOINT);
        int size = (int) Math.min(wanted, Integer.MAX_VALUE - 8);
        while (!isPrime(size)) {
            size++;
        }
        return size;
    }

    private static boolean isPrime(int n) {
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return n > 1;
    }

    private void fill() {
        int size = roster.size();
        int m = slots.length;
        long[] offset = new long[size];
        long[] skip = new long[size];
        long[] next = new long[size];
        long[] taken = new long[size];
        long maxWeight = 0;
        String[] names = new String[size];
        for (int i = 0; i < size; i++) {
            names[i] = roster.endpoint(i).address().toString();
            long hash = Hash64.of(names[i]);
            offset[i] = Long.remainderUnsigned(hash, m);
            skip[i] = Long.remainderUnsigned(Hash64.mix(hash ^ 0x9e3779b97f4a7c15L), m - 1) + 1;
            maxWeight = Math.max(maxWeight, roster.fullWeight(i));
        }
        // Turns are taken in the order of the endpoints' addresses, not of the roster: two instances
        // whose configurations or DNS answers list the same backends in another order build the same
        // table, and so send a key to the same backend.
        int[] turns = IntStream.range(0, size).boxed()
                .sorted(Comparator.comparing((Integer i) -> names[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        int filled = 0;
        for (long round = 1; filled < m; round++) {
            for (int turn = 0; turn < size && filled < m; turn++) {
                int i = turns[turn];
                // a lighter endpoint sits out rounds, so that its slots are in proportion to its weight
                if (taken[i] * maxWeight >= round * roster.fullWeight(i)) {
                    continue;
                }
                int slot = (int) ((offset[i] + next[i] * skip[i]) % m);
                while (slots[slot] != null) {
                    next[i]++;
                    slot = (int) ((offset[i] + next[i] * skip[i]) % m);
                }
                slots[slot] = roster.endpoint(i);
                next[i]++;
                taken[i]++;
                filled++;
            }
        }
    }

    int size() {
        return slots.length;
    }

    /** The slot of a key hash. */
    int slotOf(long keyHash) {
        return (int) Long.remainderUnsigned(Hash64.mix(keyHash), slots.length);
    }

    Endpoint at(int slot) {
        return slots[slot];
    }
}
