package dev.maitre.server.admin;

import dev.maitre.server.history.TrafficHistory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /api/history}: the last 15 minutes of each cluster's and backend's requests per second,
 * error rate, latency percentiles and health states, one point per sample, for the dashboard's charts.
 */
final class HistoryResource implements AdminResource {

    private final TrafficHistory history;

    HistoryResource(TrafficHistory history) {
        this.history = history;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "history")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/history", "GET");
        }
        return AdminResponse.json(HttpResponseStatus.OK, history.view());
    }
}
