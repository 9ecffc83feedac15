package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.function.Supplier;

/** {@code GET /metrics}: every metric in the Prometheus text format, names prefixed {@code maitre_}. */
final class MetricsResource implements AdminResource {

    private final Supplier<String> scrape;

    MetricsResource(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("metrics")) {
            return null;
        }
        if (!HttpMethod.GET.equals(method)) {
            return AdminResponse.methodNotAllowed("/metrics", "GET");
        }
        return AdminResponse.prometheus(scrape.get());
    }
}
