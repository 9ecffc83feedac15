package dev.maitre.chaos.report;

import java.util.List;

/**
 * What happened during a scenario, in milliseconds since it began: every request, each backend's
 * states as bands, and the moments the suite acted.
 */
public record Timeline(long durationMillis, List<Request> requests, List<Band> bands, List<Mark> marks) {

    /** One request: when it was sent, how long it took, how it ended (a status or an error word). */
    public record Request(long atMillis, long latencyMillis, String outcome, String backend) { }

    /** A backend in one state from one time to another. */
    public record Band(String backend, long fromMillis, long toMillis, String state) { }

    /** Something the suite did, such as "b1 stopped". */
    public record Mark(long atMillis, String label) { }

    /** The timeline of a scenario that failed before its stage could tell anything. */
    public static Timeline empty() {
        return new Timeline(0, List.of(), List.of(), List.of());
    }
}
