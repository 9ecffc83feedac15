package dev.maitre.api.health;

/** The states a backend can be in as far as new requests are concerned. */
public enum HealthState {
    /** Gets new requests. */
    HEALTHY,
    /** Failed its health checks: gets no new requests until it passes them again. */
    UNHEALTHY,
    /** Taken out by an operator: no new requests, in-flight ones finish; checks continue. */
    DRAINING
}
