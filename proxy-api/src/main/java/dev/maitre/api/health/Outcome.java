package dev.maitre.api.health;

import dev.maitre.api.balance.Endpoint;

/**
 * How one attempt to serve a request ended.
 *
 * @param cluster the cluster the request was routed to
 * @param endpoint the backend that was tried, or {@code null} when none was eligible
 * @param kind what happened
 * @param status the HTTP status the backend answered with, or the status maitre answered with
 *     itself; 0 for L4 connections and for attempts that produced no status
 * @param latencyNanos from the start of the attempt to its end
 */
public record Outcome(String cluster, Endpoint endpoint, Kind kind, int status, long latencyNanos) {

    /** The ways an attempt can end. */
    public enum Kind {
        /** The backend answered (any status, including 5xx). */
        RESPONSE,
        /** The connection to the backend could not be made (refused, unreachable, connect timeout). */
        CONNECT_FAILURE,
        /** The backend closed or reset the connection before a complete answer. */
        RESET,
        /** The backend did not answer within the response timeout. */
        TIMEOUT,
        /** The backend's answer was not valid HTTP. */
        INVALID_RESPONSE,
        /** No backend was eligible. */
        NO_BACKEND
    }

    /** True for outcomes that count against the backend (a 5xx answer or a transport failure). */
    public boolean isFailure() {
        return switch (kind) {
            case RESPONSE -> status >= 500;
            case NO_BACKEND -> false;
            default -> true;
        };
    }
}
