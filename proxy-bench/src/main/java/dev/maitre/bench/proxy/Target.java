package dev.maitre.bench.proxy;

/** Where a benchmark's client connects: the backend itself (the baseline) or maitre in front of it. */
public enum Target {
    DIRECT,
    MAITRE
}
