package dev.maitre.api;

import java.util.Objects;

/**
 * Names one backend of one cluster; the key under which health, outcomes and active requests are
 * tracked. A value class rather than a record only to keep its hash code, since balancers look
 * backends up by it on every pick.
 */
public final class BackendId {

    private final String cluster;
    private final HostPort address;
    private final int hash;

    public BackendId(String cluster, HostPort address) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.address = Objects.requireNonNull(address, "address");
        this.hash = 31 * cluster.hashCode() + address.hashCode();
    }

    public String cluster() {
        return cluster;
    }

    public HostPort address() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof BackendId other && other.hash == hash
                && other.cluster.equals(cluster) && other.address.equals(address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return cluster + "/" + address;
    }
}
