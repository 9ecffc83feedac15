package dev.maitre.server.admin;

import dev.maitre.health.HealthMonitor;
import java.util.function.Supplier;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/** {@code GET /api/events}: the recent health transitions and ejections, newest last. */
final class EventsResource implements AdminResource {

    record Events(List<HealthViews.EventView> events) {
    }

    private final Supplier<HealthMonitor> health;
    private final HealthViews views;

    EventsResource(Supplier<HealthMonitor> health, HealthViews views) {
        this.health = health;
        this.views = views;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "events")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/events", "GET");
        }
        return AdminResponse.json(HttpResponseStatus.OK,
                new Events(health.get().events().stream().map(views::event).toList()));
    }
}
