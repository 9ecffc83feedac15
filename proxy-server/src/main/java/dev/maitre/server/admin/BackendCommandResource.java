package dev.maitre.server.admin;

import dev.maitre.api.HostPort;
import dev.maitre.health.BackendHealth;
import dev.maitre.health.ClusterHealth;
import dev.maitre.health.HealthMonitor;
import java.util.function.Supplier;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;

/**
 * {@code POST /api/clusters/{cluster}/backends/{address}/drain} and {@code .../enable}: an operator
 * takes a backend out of rotation (requests in flight finish) or puts it back. Answers with the
 * backend's view after the change, which is in effect for new requests by then.
 */
final class BackendCommandResource implements AdminResource {

    private final Supplier<HealthMonitor> health;
    private final HealthViews views;

    BackendCommandResource(Supplier<HealthMonitor> health, HealthViews views) {
        this.health = health;
        this.views = views;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "clusters", "*", "backends", "*", "*")) {
            return null;
        }
        String command = path.segment(5);
        if (!command.equals("drain") && !command.equals("enable")) {
            return null;
        }
        if (!HttpMethod.POST.equals(method)) {
            return AdminResponse.methodNotAllowed(path.text(), "POST");
        }
        String cluster = path.segment(2);
        HealthMonitor health = this.health.get();
        if (health.cluster(cluster).isEmpty()) {
            return AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no cluster named " + cluster);
        }
        HostPort address;
        try {
            address = HostPort.parse(path.segment(4));
        } catch (IllegalArgumentException e) {
            return AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "backend address: " + e.getMessage());
        }
        boolean known = command.equals("drain") ? health.drain(cluster, address) : health.enable(cluster, address);
        Optional<BackendHealth> backend = known ? health.cluster(cluster).flatMap(now -> find(now, address))
                : Optional.empty();
        if (backend.isEmpty()) {
            return AdminResponse.error(HttpResponseStatus.NOT_FOUND,
                    "cluster " + cluster + " has no backend " + address);
        }
        return AdminResponse.json(HttpResponseStatus.OK, views.backend(cluster, backend.get()));
    }

    private static Optional<BackendHealth> find(ClusterHealth cluster, HostPort address) {
        return cluster.backends().stream().filter(backend -> backend.address().equals(address)).findFirst();
    }
}
