package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/** Hands each admin request to the first resource that owns its path; 404 when none does. */
final class AdminRouter {

    private final List<AdminResource> resources;

    AdminRouter(List<AdminResource> resources) {
        this.resources = List.copyOf(resources);
    }

    AdminAnswer answer(HttpMethod method, AdminPath path) {
        for (AdminResource resource : resources) {
            AdminAnswer response = resource.answer(method, path);
            if (response != null) {
                return response;
            }
        }
        return AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no admin resource at " + path.text()
                + " (expected: /api/clusters, /api/events, /api/clusters/{cluster}/backends/{address}/drain or "
                + "/enable, /api/history, /api/listeners, /api/reload, /healthz, /ready, /metrics, / for the dashboard)");
    }
}
