package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /}: the dashboard, one self-contained page that reads {@code /api/clusters},
 * {@code /api/events} and {@code /metrics} every two seconds and shows backends, their states and
 * request rates, and recent events; its buttons drain and enable backends.
 */
final class DashboardResource implements AdminResource {

    private static final String PAGE = "dashboard.html";

    private final byte[] page;

    DashboardResource() {
        try (InputStream in = DashboardResource.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the jar");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches()) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/", "GET");
        }
        return AdminResponse.html(page);
    }
}
