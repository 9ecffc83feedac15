package dev.maitre.server.admin;

import dev.maitre.health.HealthMonitor;
import java.util.function.Supplier;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/** {@code GET /api/clusters}: every cluster and backend with its health, in configuration order. */
final class ClustersResource implements AdminResource {

    record Clusters(List<HealthViews.ClusterView> clusters) {
    }

    private final Supplier<HealthMonitor> health;
    private final HealthViews views;

    ClustersResource(Supplier<HealthMonitor> health, HealthViews views) {
        this.health = health;
        this.views = views;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "clusters")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/clusters", "GET");
        }
        return AdminResponse.json(HttpResponseStatus.OK,
                new Clusters(health.get().snapshot().stream().map(views::cluster).toList()));
    }
}
