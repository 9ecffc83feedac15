package dev.maitre.chaos.scenario;

import dev.maitre.chaos.stage.Stage;
import dev.maitre.chaos.timing.HealthRules;
import dev.maitre.chaos.timing.Window;

/**
 * A fault put on one backend and taken off again, and what DESIGN.md §3 says about it.
 */
public interface Fault {

    /** A short name for labels: "crash", "black hole"... */
    String name();

    /** Puts the fault on backend {@code i} of the stage. */
    void inject(Stage stage, int i) throws Exception;

    /** Takes it off. */
    void repair(Stage stage, int i) throws Exception;

    /** When a check-driven transition to UNHEALTHY is due. */
    Window detectionWindow(HealthRules rules);

    /** Whether a check in flight when the fault is repaired may still pass (the fault only held bytes back). */
    default boolean holdsBytes() {
        return false;
    }

    /**
     * What clients may see while the fault is on and not yet detected. {@code NONE}: nothing, every
     * request is retried on another backend. {@code GATEWAY_TIMEOUT}: requests in flight to the
     * backend end with 504 after the response timeout (a black hole cannot be retried: the backend
     * may have acted on the request, and maitre cannot tell a slow answer from none).
     */
    enum ClientImpact { NONE, GATEWAY_TIMEOUT }

    default ClientImpact clientImpact() {
        return ClientImpact.NONE;
    }

    /** WireMock stopped: Toxiproxy still accepts, then closes each connection it cannot pass on. */
    static Fault crash() {
        return new Simple("crash", (s, i) -> s.backend(i).stop(), (s, i) -> s.backend(i).start(), false);
    }

    /** The Toxiproxy proxy disabled: connections are refused. */
    static Fault refused() {
        return new Simple("refused", (s, i) -> s.link(i).disable(), (s, i) -> s.link(i).enable(), false);
    }

    /** Toxiproxy's {@code reset_peer}: each connection is reset as soon as maitre sends on it. */
    static Fault resetPeer() {
        return new Simple("reset_peer", (s, i) -> s.link(i).resetPeer(), (s, i) -> s.link(i).heal(), false);
    }

    /** Toxiproxy's {@code timeout} toxic with no timeout, both ways: connections open and nothing ever passes. */
    static Fault blackHole() {
        return new Simple("black hole", (s, i) -> s.link(i).blackHole(), (s, i) -> s.link(i).heal(), true) {
            @Override
            public ClientImpact clientImpact() {
                return ClientImpact.GATEWAY_TIMEOUT;
            }
        };
    }

    /**
     * Toxiproxy's {@code latency} toxic, above the check timeout and below the response timeout:
     * checks fail (at their timeout, as for a black hole), requests in flight succeed slowly.
     */
    static Fault latency(long millis) {
        return new Simple("latency " + millis + " ms", (s, i) -> s.link(i).latency(millis), (s, i) -> s.link(i).heal(), true);
    }

    /** One step of putting a fault on or off. */
    @FunctionalInterface
    interface Step {
        void apply(Stage stage, int i) throws Exception;
    }

    /** A fault made of two steps. */
    class Simple implements Fault {
        private final String name;
        private final Step inject;
        private final Step repair;
        private final boolean holdsBytes;

        Simple(String name, Step inject, Step repair, boolean holdsBytes) {
            this.name = name;
            this.inject = inject;
            this.repair = repair;
            this.holdsBytes = holdsBytes;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void inject(Stage stage, int i) throws Exception {
            inject.apply(stage, i);
        }

        @Override
        public void repair(Stage stage, int i) throws Exception {
            repair.apply(stage, i);
        }

        @Override
        public Window detectionWindow(HealthRules rules) {
            // A held-bytes fault makes a check fail only at its timeout.
            return holdsBytes ? rules.blackHoleWindow() : rules.refusedWindow();
        }

        @Override
        public boolean holdsBytes() {
            return holdsBytes;
        }
    }
}
