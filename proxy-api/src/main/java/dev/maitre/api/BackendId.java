package dev.maitre.api;

import java.util.Objects;

/** Names one backend of one cluster; the key under which health and outcomes are tracked. */
public record BackendId(String cluster, HostPort address) {

    public BackendId {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return cluster + "/" + address;
    }
}
