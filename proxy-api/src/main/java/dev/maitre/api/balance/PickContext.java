package dev.maitre.api.balance;

/**
 * What a balancer may consider beyond the list of eligible endpoints. One instance is reused per
 * connection, so a pick allocates nothing.
 */
public interface PickContext {

    /** True when this endpoint was already tried for the current request and must not be picked again. */
    boolean isExcluded(Endpoint endpoint);

    /** A context that excludes nothing. */
    PickContext EMPTY = endpoint -> false;
}
