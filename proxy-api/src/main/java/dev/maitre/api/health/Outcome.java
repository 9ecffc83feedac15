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
 * @param grpcStatus the gRPC status a gRPC call ended with ({@code grpc-status}); -1 for anything else
 */
public record Outcome(String cluster, Endpoint endpoint, Kind kind, int status, long latencyNanos, int grpcStatus) {

    /** No gRPC status: the request was no gRPC call, or its answer carried none. */
    public static final int NO_GRPC_STATUS = -1;

    /** The outcome of an attempt that was no gRPC call. */
    public Outcome(String cluster, Endpoint endpoint, Kind kind, int status, long latencyNanos) {
        this(cluster, endpoint, kind, status, latencyNanos, NO_GRPC_STATUS);
    }

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

    /**
     * True for outcomes that count against the backend: a 5xx answer, a gRPC call that ended with a
     * status that says the server failed (UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS:
     * those Envoy maps to 5xx), or a transport failure.
     */
    public boolean isFailure() {
        return switch (kind) {
            case RESPONSE -> status >= 500 || grpcStatus == 2 || grpcStatus == 4 || grpcStatus == 13
                    || grpcStatus == 14 || grpcStatus == 15;
            case NO_BACKEND -> false;
            default -> true;
        };
    }
}
