package dev.maitre.api.config;

/** What a listener speaks. */
public enum Protocol {
    /** HTTP/1.1 reverse proxying with routing. */
    HTTP,
    /** L4: bytes relayed to one cluster. */
    TCP
}
