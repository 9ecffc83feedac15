package dev.maitre.api.balance;

import java.util.List;

/**
 * Chooses the endpoint for a new request among the eligible ones. Implementations are called from
 * event-loop threads concurrently: a pick takes no lock and allocates nothing.
 */
public interface LoadBalancer {

    /**
     * Picks one endpoint of {@code eligible} that the context does not exclude.
     *
     * @param eligible an immutable snapshot of the endpoints that may get traffic now
     * @return the chosen endpoint, or {@code null} when every eligible endpoint is excluded or none is
     *     eligible
     */
    Endpoint pick(List<Endpoint> eligible, PickContext context);
}
