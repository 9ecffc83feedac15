package dev.maitre.api.health;

import dev.maitre.api.balance.Endpoint;
import java.util.List;

/**
 * The data plane's read-only view of health: which endpoints of a cluster may get new requests now.
 * Implementations publish immutable snapshots, so a call takes no lock and allocates nothing.
 */
@FunctionalInterface
public interface HealthView {

    /**
     * The endpoints of {@code cluster} that may get new requests, in configuration order; empty when
     * none may (the proxy then answers 503) or the cluster is unknown.
     */
    List<Endpoint> eligible(String cluster);
}
