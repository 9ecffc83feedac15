package dev.maitre.server.admin;

import io.netty.handler.codec.http.HttpMethod;

/** One resource of the admin API: the paths it owns and its answers to them. */
interface AdminResource {

    /**
     * The answer to {@code method} on {@code path}, or {@code null} when the path is not this
     * resource's. Called on the admin event loop: it returns quickly and never blocks; slower work
     * (a reload) runs elsewhere and answers {@link AdminAnswer#later}.
     */
    AdminAnswer answer(HttpMethod method, AdminPath path);
}
