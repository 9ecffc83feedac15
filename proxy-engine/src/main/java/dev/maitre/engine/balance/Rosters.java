package dev.maitre.engine.balance;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.PickContext;
import java.util.List;

/**
 * The roster of the eligible snapshot a balancer was last given. A pick usually finds the snapshot it
 * is given already known (same list object) and does no more than compare two references; a new
 * snapshot is read once. With slow start, an endpoint that was not in the previous snapshot starts
 * ramping at the first pick that sees it eligible, which, as long as traffic flows, is the moment it
 * became eligible.
 */
final class Rosters {

    private final long window;
    private volatile Roster current;

    /** @param slowStartNanos the slow-start window; 0 for none */
    Rosters(long slowStartNanos) {
        this.window = slowStartNanos;
    }

    Roster of(List<Endpoint> eligible, PickContext context) {
        Roster roster = current;
        if (roster != null && roster.eligible == eligible) {
            return roster;
        }
        return refresh(roster, eligible, context);
    }

    private Roster refresh(Roster roster, List<Endpoint> eligible, PickContext context) {
        if (roster != null && roster.eligible.equals(eligible)) {
            // a health view that builds equal lists anew: keep the roster and its ramps
            return roster;
        }
        long now = window == 0 ? 0 : context.nanoTime();
        Roster next = roster == null || window == 0
                ? Roster.settled(eligible, now, window)
                : Roster.after(roster, eligible, now, window);
        current = next;
        return next;
    }
}
