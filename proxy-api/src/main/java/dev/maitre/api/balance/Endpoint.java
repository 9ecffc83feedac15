package dev.maitre.api.balance;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import java.util.Objects;

/** A backend as the data plane sees it: where to connect and how much traffic it should get. */
public record Endpoint(BackendId id, int weight) {

    public Endpoint {
        Objects.requireNonNull(id, "id");
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }

    public HostPort address() {
        return id.address();
    }

    public String cluster() {
        return id.cluster();
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
