package dev.maitre.health;

import java.util.List;

/**
 * One cluster's health at one moment, for the admin API.
 *
 * @param activelyChecked whether the cluster has a {@code healthCheck}
 * @param panic whether fewer than {@code panicThreshold} of its backends are healthy, so that traffic
 *     goes to all of them that are not draining
 * @param backends in configuration order
 */
public record ClusterHealth(String name, boolean activelyChecked, boolean panic, List<BackendHealth> backends) {

    public ClusterHealth {
        backends = List.copyOf(backends);
    }
}
