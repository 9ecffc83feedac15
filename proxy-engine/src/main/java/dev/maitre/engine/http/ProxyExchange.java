package dev.maitre.engine.http;

import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.pool.StreamNotProcessed;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.engine.upstream.UpstreamSelection;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through the proxy, as a state machine: {@link State#CONNECTING} (a backend
 * is picked and a connection to it borrowed or opened), {@link State#SENDING} (the request goes out;
 * no final answer yet), {@link State#RELAYING} (the final answer's head went to the client, its body
 * follows), {@link State#ENDING} (its last part went out; the exchange completes at the end of that
 * backend read), {@link State#TUNNEL} (the backend accepted the upgrade the request asked for with a
 * {@code 101}: both connections relay bytes until they end, see {@link ClientSide#openTunnel}) and
 * {@link State#DONE}. Each transition happens in one method here; the parts do the
 * work: {@link UpstreamAttempt} (the backend connection of the current try), {@link RequestBody}
 * (the request, its size limit and what is kept to send it again), {@link ResponseRelay} (the answer
 * framed for the client), {@link UpstreamSelection} (picks, the retry budget, outcomes),
 * {@link RetryState} (where a failed try goes next), {@link ExchangeTimer} (its timeouts),
 * {@link ExchangeFlow} (backpressure both ways, which bounds what the exchange holds). The client
 * connection is reached only through {@link ClientSide}.
 *
 * <p>Writes use the void promise: a failed write surfaces as {@code exceptionCaught} on its
 * connection, which ends the exchange either way.
 */
final class ProxyExchange implements UpstreamSelection.Subject, PairRelay.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    /** Where an exchange stands; see the class comment. */
    enum State {
        CONNECTING, SENDING, RELAYING, ENDING, TUNNEL, DONE
    }

    private final UpstreamSelection upstream = new UpstreamSelection(this);
    private final UpstreamAttempt attempt = new UpstreamAttempt(this);
    private final RequestBody body = new RequestBody();
    private final ResponseRelay response = new ResponseRelay(null, false);
    private final RetryState retries = new RetryState(upstream, body);
    private final ExchangeTimer timer = new ExchangeTimer();
    private final ExchangeFlow flow = new ExchangeFlow(attempt, timer);

    private ClientSide client;
    private HttpListenerContext listener;
    private ClusterRuntime cluster;
    /** Owned: released when the exchange ends. */
    private ClientRequest request;
    private RequestTarget target;
    private ClientHop hop;
    private AccessLogLine accessLogLine;

    private State state = State.DONE;
    /** The status of maitre's own answer, when it gave one. */
    private int ownStatus;
    /** What the tunnel the exchange became, after a {@code 101}, reports. */
    private TunnelReport tunnel;

    /**
     * Starts the exchange of {@code request} (which it owns from now on) to {@code cluster}: a new
     * exchange, or one that {@link #reusable() ended cleanly} and was kept by its event loop's
     * {@link RequestPool}, every part of it started over.
     */
    void start(ClientSide client, HttpListenerContext listener, ClusterRuntime cluster, AccessLog accessLog,
               ClientRequest request, RequestTarget target, ClientHop hop) {
        if (state != State.DONE || !attempt.idle()) {
            throw new IllegalStateException("exchange in use: " + state);
        }
        this.client = client;
        this.listener = listener;
        this.cluster = cluster;
        this.request = request;
        this.target = target;
        this.hop = hop;
        this.accessLogLine = AccessLogLine.of(accessLog, request);
        this.ownStatus = 0;
        this.tunnel = null;
        this.state = State.CONNECTING;
        upstream.begin(listener.upstream(), cluster);
        // A request without a body is complete with its head: the head and its end go to the backend
        // in one flush, and the client's end of the request, decoded after the head, is dropped.
        body.begin(request.bodiless(), listener.config().limits().maxBodyBytes());
        response.begin(client, request.headRequest());
        retries.begin(request.head(), cluster.config().retries().nonIdempotent());
        timer.begin(client, cluster.config().timeouts().response().toNanos(),
                listener.config().timeouts().client().toNanos(), cluster.config().retries().perTryTimeout().toNanos());
        flow.begin(client);
        timer.progress();
        pickAndConnect();
    }

    /**
     * Whether the exchange ended with nothing of it left in flight (no backend connection attached
     * or being opened, none counted as active), so that it can serve another request.
     */
    boolean reusable() {
        return state == State.DONE && attempt.idle() && !upstream.holdsBackend();
    }

    /** Lets go of the connection, the request and the cluster it served, to be kept for another. */
    void forget() {
        client = null;
        listener = null;
        cluster = null;
        request = null;
        target = null;
        hop = null;
        accessLogLine = null;
        response.begin(null, false);
        flow.begin(null);
        timer.forget();
    }

    State state() {
        return state;
    }

    /** Whether the exchange still waits for body from the client. */
    boolean awaitsBody() {
        return state != State.DONE && !body.complete();
    }

    /** Asked at the first pick that needs it; the selection keeps it for the retries of this request. */
    @Override
    public long hashKey() {
        return RequestHashKey.of(cluster.config().hashOn(), request.head(), target.originForm(), client.remoteAddress());
    }

    // CONNECTING

    private void pickAndConnect() {
        state = State.CONNECTING;
        Endpoint next = upstream.pick();
        if (next == null) {
            if (!upstream.pickedAny()) {
                upstream.reportNoBackend(Rejection.NO_BACKEND.status().code());
                fail(Rejection.NO_BACKEND);
            } else {
                fail(retries.lastFailure());
            }
            return;
        }
        attempt.start(listener.upstream().pools().pool(client.eventLoop(), next, cluster.config(), cluster.tls()),
                client);
    }

    void onConnectFailed(Throwable cause) {
        LOG.debug("connect to {} failed: {}", upstream.endpoint(), cause.toString());
        upstream.report(Outcome.Kind.CONNECT_FAILURE, 0);
        if (retries.afterConnectFailure()) {
            pickAndConnect();
        } else {
            fail(Rejection.BACKEND_FAILED);
        }
    }

    /** CONNECTING → SENDING: a connection is attached; the request goes out. */
    void onAttached() {
        state = State.SENDING;
        upstream.holdBackend();
        timer.tryStarted();
        Channel backend = attempt.channel();
        String backendHost = BackendRequest.hostFromBackend(request, target)
                ? upstream.endpoint().address().toString() : null;
        body.sendHead(backend, listener.backendRequest().encode(request, target, hop, backendHost, client,
                backend.alloc()));
        if (state != State.SENDING || attempt.channel() != backend) {
            // The write failed at once (the connection was closed): the try is over already, and the
            // exchange ended or went on with another.
            return;
        }
        backend.read();
        timer.arm();
        if (!body.complete()) {
            flow.requestBody();
        }
    }

    // SENDING: the request body

    /** A piece of the request body from the client. */
    void onRequestContent(HttpContent content) {
        if (state == State.DONE || body.complete()) {
            content.release();
            return;
        }
        switch (body.take(content, attempt.channel())) {
            case MALFORMED -> abortRequest(Rejection.INCOMPLETE_BODY);
            case TOO_LARGE -> abortRequest(Rejection.BODY_TOO_LARGE);
            case UNSENDABLE -> abortRequest(Rejection.BACKEND_FAILED);
            case MORE -> {
                timer.progress();
                flow.requestBody();
            }
            case LAST -> timer.progress();
            case HELD -> {
            }
        }
    }

    void onBackendWritabilityChanged() {
        flow.backendWritabilityChanged();
    }

    // SENDING → RELAYING → ENDING: the answer

    void onBackendRead(Object msg) {
        timer.progress();
        if (msg instanceof HttpObject decoded && decoded.decoderResult().isFailure()) {
            // Cut short by the connection's end, or not HTTP at all.
            ReferenceCountUtil.release(msg);
            backendFailed(attempt.channel().isActive() ? Outcome.Kind.INVALID_RESPONSE : Outcome.Kind.RESET);
            return;
        }
        if (msg instanceof ResponseHead head && !onResponseHead(head)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            switch (response.onContent(content)) {
                case LAST -> state = State.ENDING;
                case INVALID -> backendFailed(Outcome.Kind.INVALID_RESPONSE);
                case MORE -> {
                }
            }
        }
    }

    /** Returns false when the head was rejected or taken by a tunnel and the message must be dropped. */
    private boolean onResponseHead(ResponseHead head) {
        if (head.status() == 101 && request.upgrade()) {
            if (listener.upgrades().accepted(head, request.head())) {
                openTunnel(head);
            } else {
                backendFailed(Outcome.Kind.INVALID_RESPONSE);
            }
            return false;
        }
        boolean keepAliveWanted = request.head().keepAlive() && body.complete() && !listener.draining() && !client.closing();
        switch (response.onHead(head, keepAliveWanted)) {
            case INVALID -> {
                backendFailed(Outcome.Kind.INVALID_RESPONSE);
                return false;
            }
            case FINAL -> {
                state = State.RELAYING;
                body.release();
            }
            case INTERIM -> {
            }
        }
        return true;
    }

    /** SENDING → TUNNEL: the backend's connection and the client's relay bytes from now on. */
    private void openTunnel(ResponseHead head) {
        state = State.TUNNEL;
        timer.cancel();
        upstream.report(Outcome.Kind.RESPONSE, 101);
        body.release();
        tunnel = new TunnelReport(listener.tunnels(), listener.backendTunnels(upstream.endpoint().id()));
        client.openTunnel(head, attempt.handOver(), this, tunnel);
        // Nothing reads the handshake any more (its access-log line took what it needs): a long-lived
        // tunnel does not keep its head's bytes.
        request.release();
        request = null;
    }

    /** TUNNEL → DONE: both connections are closing; the backend counts as busy until now. */
    @Override
    public void relayEnded(PairRelay.End how) {
        tunnel.ended(how);
        upstream.releaseBackend();
        end();
    }

    void onBackendReadComplete() {
        if (state == State.ENDING) {
            complete(true);
        } else if (state != State.DONE) {
            flow.backendReadComplete();
        } else {
            client.flush();
        }
    }

    void onClientWritabilityChanged() {
        flow.clientWritabilityChanged();
    }

    /**
     * ENDING → DONE, at the end of the backend read that completed the answer: reported before the
     * client can see the answer's end, so whoever reads it finds it counted. The backend connection
     * goes back to its pool only if both sides allow it and nothing came after the answer's last byte.
     */
    private void complete(boolean backendFine) {
        upstream.report(Outcome.Kind.RESPONSE, response.status(), response.grpcStatus());
        boolean reusable = backendFine && response.backendReusable() && body.sent() && attempt.atResponseBoundary();
        upstream.releaseBackend();
        attempt.finish(reusable);
        client.flush();
        finish(response.clientKeepAlive());
    }

    // Failures

    void onBackendFailed(Throwable cause) {
        if (cause != null) {
            LOG.debug("backend {} failed: {}", upstream.endpoint(), cause.toString());
        }
        backendFailed(Outcome.Kind.RESET, cause instanceof StreamNotProcessed);
    }

    private void backendFailed(Outcome.Kind kind) {
        backendFailed(kind, false);
    }

    /** {@code unprocessed}: an HTTP/2 backend said it did not process the request, which may then go out again. */
    private void backendFailed(Outcome.Kind kind, boolean unprocessed) {
        if (state == State.DONE || !attempt.attached()) {
            return;
        }
        if (state == State.ENDING) {
            // The answer was whole; the connection failing right after it is not the answer's failure.
            complete(false);
            return;
        }
        boolean reused = attempt.reused();
        upstream.releaseBackend();
        attempt.finish(false);
        if (state == State.RELAYING) {
            upstream.report(kind, response.status());
            client.abort();
            end();
            return;
        }
        RetryState.Next next = unprocessed ? retries.afterUnprocessed() : retries.afterFailure(kind, reused);
        if (next == RetryState.Next.FRESH_CONNECTION) {
            state = State.CONNECTING;
            upstream.restartAttempt();
            attempt.connectFresh();
            return;
        }
        upstream.report(kind, 0);
        if (next == RetryState.Next.NEXT_BACKEND) {
            pickAndConnect();
        } else {
            fail(retries.lastFailure());
        }
    }

    /** The client went away: nothing more can be delivered. */
    void onClientClosed() {
        if (state == State.DONE) {
            return;
        }
        upstream.releaseBackend();
        attempt.abandon();
        end();
    }

    /** The request itself is unacceptable midway (too large, malformed body). */
    private void abortRequest(Rejection rejection) {
        upstream.releaseBackend();
        attempt.abandon();
        fail(rejection);
    }

    // Timeouts

    /**
     * The client connection's timer fired while this exchange runs. A try of a request that may be
     * sent again, sent whole and still without an answer head after {@code retries.perTryTimeout},
     * is given up for another backend (Envoy's per-try timeout): a black-holed backend costs such a
     * request that long, not a 504. Otherwise the side waited on that made no progress for its
     * timeout ends the exchange: the backend with 504 (or a cut-off answer), the client with 408 (or
     * a close).
     */
    void onTimer() {
        if (state == State.DONE) {
            return;
        }
        if (!attempt.attached()) {
            // Between two tries: the connection being opened has its own timeout, and the next try
            // arms the timer again.
            timer.lapsed();
            return;
        }
        boolean waitingOnClient = flow.waitingOnClient(body.complete());
        boolean tryLimited = state == State.SENDING && body.sent() && retries.canSendAgain();
        ExchangeTimer.Expired expired = timer.fired(waitingOnClient, tryLimited);
        if (expired == ExchangeTimer.Expired.NONE) {
            return;
        }
        upstream.releaseBackend();
        attempt.finish(false);
        if (expired == ExchangeTimer.Expired.TRY) {
            upstream.report(Outcome.Kind.TIMEOUT, 0);
            if (retries.afterSilentTry()) {
                pickAndConnect();
            } else {
                fail(Rejection.BACKEND_TIMEOUT);
            }
            return;
        }
        boolean answering = state == State.RELAYING || state == State.ENDING;
        if (expired == ExchangeTimer.Expired.CLIENT) {
            listener.countClientTimeout();
            if (answering || flow.waitingForClient()) {
                client.abort();
                end();
            } else {
                fail(Rejection.CLIENT_TIMEOUT);
            }
            return;
        }
        upstream.report(Outcome.Kind.TIMEOUT, answering ? response.status() : 0);
        if (answering) {
            client.abort();
            end();
        } else {
            fail(Rejection.BACKEND_TIMEOUT);
        }
    }

    // DONE

    /** Answers with maitre's own error, unless the answer has begun, in which case the client is cut off. */
    private void fail(Rejection rejection) {
        if (state == State.DONE) {
            return;
        }
        if (state == State.RELAYING || state == State.ENDING) {
            client.abort();
            end();
            return;
        }
        ownStatus = rejection.status().code();
        boolean keepAlive = request.head().keepAlive() && body.complete() && !listener.draining();
        boolean http10 = request.http10();
        // The request is released from here on.
        end();
        client.respondWithError(rejection, keepAlive, http10);
    }

    private void finish(boolean keepAlive) {
        end();
        client.exchangeFinished(keepAlive);
    }

    private void end() {
        state = State.DONE;
        timer.cancel();
        body.release();
        logAccess();
        if (request != null) {
            request.release();
        }
    }

    private void logAccess() {
        if (accessLogLine != null) {
            accessLogLine.write(client, cluster.name(), upstream, tunnel, ownStatus, response);
        }
    }
}
