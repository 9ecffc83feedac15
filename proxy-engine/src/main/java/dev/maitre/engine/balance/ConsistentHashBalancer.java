package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.LoadBalancer;
import dev.maitre.api.balance.PickContext;
import java.util.List;

/**
 * Sends every request with the same hash key (client IP, header, cookie or path) to the same endpoint
 * while the eligible set stays the same; when an endpoint joins or leaves, only about its share of the
 * keys moves. A Maglev table is built once per eligible snapshot; a pick is one array read. A key
 * whose endpoint is excluded (a retry) goes to the next slot's endpoint that is not.
 */
final class ConsistentHashBalancer implements LoadBalancer {

    private final Rosters rosters;
    private volatile MaglevTable table;

    ConsistentHashBalancer(Rosters rosters) {
        this.rosters = rosters;
    }

    @Override
    public Endpoint pick(List<Endpoint> eligible, PickContext context) {
        Roster roster = rosters.of(eligible, context);
        if (roster.size() == 0) {
            return null;
        }
        MaglevTable current = table;
        if (current == null || current.roster != roster) {
            // built by whichever loop first sees the snapshot; two loops may both build it, the same way
            current = new MaglevTable(roster);
            table = current;
        }
        int slot = current.slotOf(context.hashKey());
        Endpoint endpoint = current.at(slot);
        if (!context.isExcluded(endpoint)) {
            return endpoint;
        }
        if (!anyIncluded(roster, context)) {
            return null;
        }
        for (int i = 1; ; i++) {
            Endpoint next = current.at((slot + i) % current.size());
            if (!context.isExcluded(next)) {
                return next;
            }
        }
    }

    private static boolean anyIncluded(Roster roster, PickContext context) {
        for (int i = 0; i < roster.size(); i++) {
            if (!context.isExcluded(roster.endpoint(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "consistent_hash";
    }
}
