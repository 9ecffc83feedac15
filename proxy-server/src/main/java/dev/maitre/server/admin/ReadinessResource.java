package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready}: 200 while maitre takes new clients, 503 from SIGTERM on, so that a load
 * balancer or Kubernetes stops sending new ones while the listeners still serve
 * ({@code shutdownDelay}) and requests in flight finish.
 */
final class ReadinessResource implements AdminResource {

    private final BooleanSupplier ready;

    ReadinessResource(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("ready")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/ready", "GET");
        }
        return ready.getAsBoolean() ? AdminResponse.text(HttpResponseStatus.OK, "ready\n")
                : AdminResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "stopping\n");
    }
}
