package dev.maitre.server.admin;

import dev.maitre.server.reload.ReloadResult;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code POST /api/reload}: re-reads the configuration file. 200 with the changes applied; 400 with
 * every error when the file is invalid or asks for a change that needs a restart (nothing changed
 * then); 409 when there is no file to read. Unlike the other resources it waits for its work, a
 * few milliseconds of reading and validating the file, which only delays other admin requests.
 */
final class ReloadResource implements AdminResource {

    /** {@code {"reloaded": true, "changes": [...]}}. */
    record Reloaded(boolean reloaded, List<String> changes) {
    }

    /** {@code {"reloaded": false, "errors": [...]}}. */
    record NotReloaded(boolean reloaded, List<String> errors) {
    }

    private final Supplier<ReloadResult> reload;

    ReloadResource(Supplier<ReloadResult> reload) {
        this.reload = reload;
    }

    @Override
    public AdminResponse answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "reload")) {
            return null;
        }
        if (!HttpMethod.POST.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/reload", "POST");
        }
        ReloadResult result = reload.get();
        return switch (result.outcome()) {
            case RELOADED -> AdminResponse.json(HttpResponseStatus.OK, new Reloaded(true, result.details()));
            case REJECTED -> AdminResponse.json(HttpResponseStatus.BAD_REQUEST,
                    new NotReloaded(false, result.details()));
            case UNAVAILABLE -> AdminResponse.json(HttpResponseStatus.CONFLICT,
                    new NotReloaded(false, result.details()));
        };
    }
}
