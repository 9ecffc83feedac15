package dev.maitre.engine.http;

import dev.maitre.api.health.Outcome;
import dev.maitre.engine.upstream.UpstreamSelection;
import dev.maitre.engine.http1.RequestHead;
import io.netty.util.AsciiString;

/**
 * What one request may still try after a try failed, and what its client gets when nothing is left.
 * A request may go out again only if sending it twice is harmless: its method is idempotent
 * (RFC 9110 §9.2.2) or the cluster allows resending others ({@code retries.nonIdempotent}), and every
 * body byte sent so far is still held. The retry budget itself ({@code retries.attempts}) is the
 * {@link UpstreamSelection}'s.
 */
final class RetryState {

    /** Where a request goes after a try failed before any answer. */
    enum Next {
        /** A fresh connection to the same backend: a pooled one the backend had closed. */
        FRESH_CONNECTION,
        /** Another backend. */
        NEXT_BACKEND,
        /** Nowhere: the client gets {@link #lastFailure()}. */
        GIVE_UP
    }

    private final UpstreamSelection upstream;
    private final RequestBody body;
    private boolean mayResend;
    private boolean freshConnectionUsed;
    private Rejection lastFailure;

    private static final AsciiString[] IDEMPOTENT = {
        AsciiString.cached("GET"), AsciiString.cached("HEAD"), AsciiString.cached("OPTIONS"),
        AsciiString.cached("TRACE"), AsciiString.cached("PUT"), AsciiString.cached("DELETE"),
    };

    RetryState(UpstreamSelection upstream, RequestBody body) {
        this.upstream = upstream;
        this.body = body;
    }

    /** For a new request, which the cluster lets go out again if it is not idempotent when {@code nonIdempotentAllowed}. */
    void begin(RequestHead request, boolean nonIdempotentAllowed) {
        mayResend = isIdempotent(request) || nonIdempotentAllowed;
        freshConnectionUsed = false;
        lastFailure = Rejection.BACKEND_FAILED;
    }

    private static boolean isIdempotent(RequestHead request) {
        for (AsciiString method : IDEMPOTENT) {
            if (request.methodIs(method)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the request may be sent to another connection now. */
    boolean canSendAgain() {
        return mayResend && body.canResend();
    }

    /** A connect failed: nothing was sent, so another backend may always be tried. */
    boolean afterConnectFailure() {
        lastFailure = Rejection.BACKEND_FAILED;
        return upstream.takeRetry();
    }

    /** A try had no answer head within {@code retries.perTryTimeout}. */
    boolean afterSilentTry() {
        lastFailure = Rejection.BACKEND_TIMEOUT;
        return upstream.takeRetry();
    }

    /**
     * A try failed before any answer: {@code kind} says how, {@code reused} whether its connection
     * had served a request before.
     */
    Next afterFailure(Outcome.Kind kind, boolean reused) {
        if (reused && !freshConnectionUsed && canSendAgain() && kind != Outcome.Kind.INVALID_RESPONSE) {
            // A pooled connection the backend closed as it was reused: most likely it closed it while
            // idle and never read the request, but it may have, so only a request that may be sent
            // again gets a fresh connection.
            freshConnectionUsed = true;
            return Next.FRESH_CONNECTION;
        }
        lastFailure = Rejection.BACKEND_FAILED;
        if (kind == Outcome.Kind.RESET && canSendAgain() && upstream.takeRetry()) {
            // Closed or reset before any answer (a crashed backend behind a listener that accepts
            // and closes): a request that may be sent again goes to another backend.
            return Next.NEXT_BACKEND;
        }
        return Next.GIVE_UP;
    }

    /**
     * An HTTP/2 backend said it did not process the request (a refused stream, a stream its
     * {@code GOAWAY} left out): it may go out again whatever its method, while its body is held
     * (RFC 9113 §8.7) — first on a new connection to the same backend, then on another backend.
     */
    Next afterUnprocessed() {
        lastFailure = Rejection.BACKEND_FAILED;
        if (!body.canResend()) {
            return Next.GIVE_UP;
        }
        if (!freshConnectionUsed) {
            freshConnectionUsed = true;
            return Next.FRESH_CONNECTION;
        }
        return upstream.takeRetry() ? Next.NEXT_BACKEND : Next.GIVE_UP;
    }

    /** What the client gets when no backend is left to try. */
    Rejection lastFailure() {
        return lastFailure;
    }
}
