package dev.maitre.server.admin;

import dev.maitre.server.reload.ReloadResult;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code POST /api/reload}: re-reads the configuration file. 200 with the changes applied; 400 with
 * every error when the file is invalid or asks for a change that needs a restart (nothing changed
 * then); 409 when there is no file to read, or a reload asked for here is still running. The reload
 * runs on its own thread, so that reading the file (from a slow disk, a network mount) never holds
 * up the admin event loop: {@code /healthz} and {@code /ready} answer meanwhile.
 */
final class ReloadResource implements AdminResource {

    /** {@code {"reloaded": true, "changes": [...]}}. */
    record Reloaded(boolean reloaded, List<String> changes) {
    }

    /** {@code {"reloaded": false, "errors": [...]}}. */
    record NotReloaded(boolean reloaded, List<String> errors) {
    }

    private final Supplier<ReloadResult> reload;
    private final Executor reloads;
    private final AtomicBoolean running = new AtomicBoolean();

    /** @param reloads where reloads run, one at a time */
    ReloadResource(Supplier<ReloadResult> reload, Executor reloads) {
        this.reload = reload;
        this.reloads = reloads;
    }

    @Override
    public AdminAnswer answer(HttpMethod method, AdminPath path) {
        if (!path.matches("api", "reload")) {
            return null;
        }
        if (!HttpMethod.POST.equals(method)) {
            return AdminResponse.methodNotAllowed("/api/reload", "POST");
        }
        if (!running.compareAndSet(false, true)) {
            return notReloaded(HttpResponseStatus.CONFLICT,
                    "a reload is already running; ask again once it has answered");
        }
        try {
            return AdminAnswer.later(CompletableFuture.supplyAsync(this::reload, reloads));
        } catch (RejectedExecutionException e) {
            running.set(false);
            return notReloaded(HttpResponseStatus.CONFLICT, "maitre is stopping");
        }
    }

    private AdminResponse reload() {
        try {
            ReloadResult result = reload.get();
            return switch (result.outcome()) {
                case RELOADED -> AdminResponse.json(HttpResponseStatus.OK, new Reloaded(true, result.details()));
                case REJECTED -> AdminResponse.json(HttpResponseStatus.BAD_REQUEST,
                        new NotReloaded(false, result.details()));
                case UNAVAILABLE -> AdminResponse.json(HttpResponseStatus.CONFLICT,
                        new NotReloaded(false, result.details()));
            };
        } finally {
            running.set(false);
        }
    }

    private static AdminResponse notReloaded(HttpResponseStatus status, String why) {
        return AdminResponse.json(status, new NotReloaded(false, List.of(why)));
    }
}
