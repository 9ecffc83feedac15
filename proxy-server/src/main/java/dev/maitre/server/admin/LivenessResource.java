package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /healthz}: maitre itself is alive (it answers), whatever its backends' health. */
final class LivenessResource implements AdminResource {

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("healthz")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/healthz", "GET");
        }
        return AdminResponse.text(HttpResponseStatus.OK, "ok\n");
    }
}
