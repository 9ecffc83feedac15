package dev.maitre.server.admin;

import java.util.concurrent.CompletionStage;

/**
 * What a resource answers: an {@link AdminResponse} at once, or one that work off the admin event
 * loop completes later (a reload), which the connection writes back on the loop in request order.
 */
interface AdminAnswer {

    CompletionStage<AdminResponse> completion();

    /** The answer that {@code response} completes. */
    static AdminAnswer later(CompletionStage<AdminResponse> response) {
        return () -> response;
    }
}
