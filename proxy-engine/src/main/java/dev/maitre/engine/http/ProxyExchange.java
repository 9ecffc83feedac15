package dev.maitre.engine.http;

import dev.maitre.engine.upstream.ClusterRuntime;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.balance.PickContext;
import dev.maitre.api.health.Outcome;
import dev.maitre.engine.upstream.TriedEndpoints;
import dev.maitre.engine.pool.BackendConnection;
import dev.maitre.engine.pool.BackendPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through the proxy: picks a backend, borrows or opens a connection to it on
 * the client's event loop, streams the request and the response with backpressure in both
 * directions, retries what can safely be retried, and reports the outcome.
 *
 * <p>Writes other than a response's last part use the void promise: a failed write surfaces as
 * {@code exceptionCaught} on its connection, which ends the exchange either way.
 *
 * <p>Flow control: the client connection is read one message at a time, only while the backend
 * connection is writable; the backend connection is read only while the client connection is
 * writable. What the proxy holds is therefore bounded by the write-buffer high-water mark plus one
 * read per direction, whatever the sizes and speeds of the two peers.
 */
final class ProxyExchange implements BackendConnection.Listener, PickContext {

    private static final Logger ACCESS = LoggerFactory.getLogger("maitre.access");
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private final ClientConnectionHandler client;
    private final ChannelHandlerContext clientCtx;
    private final HttpListenerContext listener;
    private final ClusterRuntime cluster;
    private final HttpRequest request;
    private final String requestLine;
    private final boolean clientKeepAlive;
    private final boolean http10Client;
    private final boolean headRequest;
    private final boolean idempotent;
    /** The request has no body: it is complete with its head, whether or not its end was read yet. */
    private final boolean noRequestBody;
    private final boolean hostFromBackend;
    private final long maxBodyBytes;
    private final long startNanos = System.nanoTime();

    private final TriedEndpoints tried;
    private boolean staleRetryUsed;
    private Rejection lastFailure = Rejection.BACKEND_FAILED;

    private long hashKey;
    private boolean hashKeyKnown;

    private Endpoint endpoint;
    private BackendPool pool;
    private Channel backend;
    private long attemptStartNanos;

    private final ReplayBuffer replay = new ReplayBuffer();
    private long bodyBytes;
    private boolean requestComplete;
    private boolean requestSent;
    private boolean waitingForBackendWritable;

    private boolean interim;
    private boolean responseStarted;
    private boolean chunkedToClient;
    private boolean keepAliveAfterResponse;
    private boolean backendReusable;
    private boolean waitingForClientWritable;
    private int status;
    private long responseBytes;

    private boolean timerArmed;
    private long lastProgressNanos;
    private boolean done;

    ProxyExchange(ClientConnectionHandler client, ChannelHandlerContext clientCtx, HttpListenerContext listener,
                  ClusterRuntime cluster, boolean accessLog, HttpRequest request, RequestTarget target,
                  String clientAddress) {
        this.client = client;
        this.clientCtx = clientCtx;
        this.listener = listener;
        this.cluster = cluster;
        this.request = request;
        this.requestLine = accessLog
                ? request.method() + " " + request.uri() + " " + request.protocolVersion() : null;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.http10Client = request.protocolVersion().minorVersion() == 0;
        this.headRequest = request.method().name().equals("HEAD");
        this.idempotent = isIdempotent(request.method().name());
        this.maxBodyBytes = listener.config().limits().maxBodyBytes();
        this.tried = new TriedEndpoints(cluster.config().retries().attempts());

        this.noRequestBody = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
        // A request without a body is complete with its head: the head and its end go to the backend
        // in one flush, and the client's end of the request, decoded after the head, is dropped.
        this.requestComplete = noRequestBody;
        this.hostFromBackend = BackendRequest.rewrite(request, target, clientAddress, listener.scheme());
    }

    private static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    void start() {
        lastProgressNanos = System.nanoTime();
        pickAndConnect();
    }

    @Override
    public boolean isExcluded(Endpoint candidate) {
        return tried.contains(candidate);
    }

    @Override
    public int activeRequests(Endpoint candidate) {
        return listener.activeRequests().of(candidate.id());
    }

    /** Computed at the first pick that asks, and kept for the retries of this request. */
    @Override
    public long hashKey() {
        if (!hashKeyKnown) {
            hashKey = RequestHashKey.of(cluster.config().hashOn(), request, client.remoteAddress());
            hashKeyKnown = true;
        }
        return hashKey;
    }

    private void pickAndConnect() {
        Endpoint next = cluster.balancer().pick(listener.health().eligible(cluster.name()), this);
        if (next == null) {
            if (tried.isEmpty()) {
                report(null, Outcome.Kind.NO_BACKEND, Rejection.NO_BACKEND.status().code());
                fail(Rejection.NO_BACKEND);
            } else {
                fail(lastFailure);
            }
            return;
        }
        tried.add(next);
        endpoint = next;
        pool = listener.pools().pool(clientCtx.channel().eventLoop(), next, cluster.config());
        attemptStartNanos = System.nanoTime();
        Channel idle = pool.pollIdle();
        if (idle != null) {
            attach(idle);
        } else {
            connectFresh();
        }
    }

    private void connectFresh() {
        attemptStartNanos = System.nanoTime();
        ChannelFuture connect = pool.connect();
        connect.addListener(f -> onConnected(connect));
    }

    private void onConnected(ChannelFuture connect) {
        if (done) {
            if (connect.isSuccess()) {
                pool.release(connect.channel());
            }
            return;
        }
        if (!connect.isSuccess()) {
            LOG.debug("connect to {} failed: {}", endpoint, connect.cause().toString());
            report(endpoint, Outcome.Kind.CONNECT_FAILURE, 0);
            lastFailure = Rejection.BACKEND_FAILED;
            if (tried.takeRetry()) {
                pickAndConnect();
            } else {
                fail(Rejection.BACKEND_FAILED);
            }
            return;
        }
        attach(connect.channel());
    }

    private void attach(Channel channel) {
        backend = channel;
        listener.activeRequests().increment(endpoint.id());
        BackendConnection.of(channel).attach(this);
        if (hostFromBackend) {
            request.headers().set(HttpHeaderNames.HOST, endpoint.address().toString());
        }
        lastProgressNanos = System.nanoTime();
        backend.write(request, backend.voidPromise());
        if (noRequestBody) {
            backend.write(LastHttpContent.EMPTY_LAST_CONTENT, backend.voidPromise());
        }
        replay.writeTo(backend);
        if (requestComplete) {
            requestSent = true;
        }
        backend.flush();
        backend.read();
        armTimer();
        if (!requestComplete) {
            requestMore();
        }
    }

    private void requestMore() {
        if (backend != null && !backend.isWritable()) {
            waitingForBackendWritable = true;
        } else {
            client.requestRead();
        }
    }

    /** A piece of the request body from the client. */
    void onRequestContent(HttpContent content) {
        if (done || requestComplete) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            abortRequest(Rejection.INCOMPLETE_BODY);
            return;
        }
        int size = content.content().readableBytes();
        bodyBytes += size;
        if (bodyBytes > maxBodyBytes) {
            content.release();
            abortRequest(Rejection.BODY_TOO_LARGE);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (backend == null) {
            // Between two attempts (a fresh connection replacing a stale one) the read already asked
            // for still delivers; it is kept and sent once the connection is there. No more is read.
            if (!replay.intact()) {
                content.release();
                abortRequest(Rejection.BACKEND_FAILED);
            } else {
                replay.take(content);
            }
            return;
        }
        replay.keepCopy(content);
        lastProgressNanos = System.nanoTime();
        backend.writeAndFlush(content, backend.voidPromise());
        if (last) {
            requestSent = true;
        } else {
            requestMore();
        }
    }

    @Override
    public void onBackendRead(Object msg) {
        lastProgressNanos = System.nanoTime();
        if (msg instanceof HttpResponse response) {
            if (!onResponseHead(response)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            onResponseContent(content);
        }
    }

    /** Returns false when the message was consumed (or rejected) and its content must be dropped. */
    private boolean onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            backendFailed(backend.isActive() ? Outcome.Kind.INVALID_RESPONSE : Outcome.Kind.RESET);
            return false;
        }
        int code = response.status().code();
        if (code < 100 || code == 101 || response.protocolVersion().majorVersion() != 1
                || !ResponseFraming.isValidReasonPhrase(response.status().reasonPhrase())) {
            // maitre never forwards Upgrade, so a switch of protocols is not a valid answer. A status
            // below 100 has no class (RFC 9110 §15): a client could take it for a final answer.
            backendFailed(Outcome.Kind.INVALID_RESPONSE);
            return false;
        }
        if (code < 200) {
            interim = true;
            if (!http10Client) {
                HopByHopHeaders.strip(response.headers());
                clientCtx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                        Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE), clientCtx.voidPromise());
            }
            return true;
        }
        interim = false;
        responseStarted = true;
        status = code;
        releaseReplay();

        int framing = ResponseFraming.frame(response, headRequest, http10Client,
                clientKeepAlive && requestComplete && !listener.draining() && !client.closing());
        chunkedToClient = (framing & ResponseFraming.CHUNKED_TO_CLIENT) != 0;
        keepAliveAfterResponse = (framing & ResponseFraming.CLIENT_KEEP_ALIVE) != 0;
        backendReusable = (framing & ResponseFraming.BACKEND_REUSABLE) != 0;
        clientCtx.write(response, clientCtx.voidPromise());
        return true;
    }

    private void onResponseContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            content.release();
            backendFailed(backend.isActive() ? Outcome.Kind.INVALID_RESPONSE : Outcome.Kind.RESET);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (interim) {
            content.release();
            if (last) {
                interim = false;
            }
            return;
        }
        if (!responseStarted) {
            content.release();
            return;
        }
        responseBytes += content.content().readableBytes();
        if (!last) {
            clientCtx.write(content, clientCtx.voidPromise());
            return;
        }
        LastHttpContent end = (LastHttpContent) content;
        if (chunkedToClient || end.trailingHeaders().isEmpty()) {
            client.writeLast(end);
        } else {
            // Trailers cannot be carried without chunked framing; the body still is.
            if (end.content().isReadable()) {
                clientCtx.write(new DefaultHttpContent(end.content().retain()), clientCtx.voidPromise());
            }
            end.release();
            client.writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        onResponseComplete();
    }

    private void onResponseComplete() {
        report(endpoint, Outcome.Kind.RESPONSE, status);
        Channel channel = detachBackend();
        if (backendReusable && requestSent) {
            pool.release(channel);
        } else {
            channel.close();
        }
        clientCtx.flush();
        finish(keepAliveAfterResponse);
    }

    @Override
    public void onBackendReadComplete() {
        clientCtx.flush();
        if (done || backend == null) {
            return;
        }
        if (clientCtx.channel().isWritable()) {
            backend.read();
        } else {
            waitingForClientWritable = true;
        }
    }

    @Override
    public void onBackendInactive() {
        backendFailed(Outcome.Kind.RESET);
    }

    @Override
    public void onBackendException(Throwable cause) {
        LOG.debug("backend {} failed: {}", endpoint, cause.toString());
        backendFailed(Outcome.Kind.RESET);
    }

    @Override
    public void onBackendWritabilityChanged() {
        if (backend != null && backend.isWritable() && waitingForBackendWritable) {
            waitingForBackendWritable = false;
            lastProgressNanos = System.nanoTime();
            client.requestRead();
        }
    }

    void onClientWritabilityChanged() {
        if (backend != null && clientCtx.channel().isWritable() && waitingForClientWritable) {
            waitingForClientWritable = false;
            backend.read();
        }
    }

    /** The client went away: nothing more can be delivered. */
    void onClientClosed() {
        if (done) {
            return;
        }
        Channel channel = detachBackend();
        if (channel != null) {
            channel.close();
        }
        finishQuietly();
    }

    private void backendFailed(Outcome.Kind kind) {
        if (done || backend == null) {
            return;
        }
        Channel channel = detachBackend();
        boolean reused = BackendConnection.of(channel) != null && BackendConnection.of(channel).isReused();
        channel.close();
        if (responseStarted) {
            report(endpoint, kind, status);
            client.abort();
            finishQuietly();
            return;
        }
        if (reused && !staleRetryUsed && replay.intact() && kind != Outcome.Kind.INVALID_RESPONSE) {
            // A pooled connection the backend closed as we used it: the request never reached it.
            staleRetryUsed = true;
            connectFresh();
            return;
        }
        report(endpoint, kind, 0);
        if (kind == Outcome.Kind.RESET && canSendAgain() && tried.takeRetry()) {
            // Closed or reset before any answer (a crashed backend behind a listener that accepts
            // and closes): an idempotent request whose body is still held goes to another backend.
            pickAndConnect();
            return;
        }
        fail(Rejection.BACKEND_FAILED);
    }

    /**
     * Whether the request may be sent to another backend after one failed before answering: its
     * method is idempotent (RFC 9110 §9.2.2) and every body byte sent so far is still held.
     */
    private boolean canSendAgain() {
        return idempotent && replay.intact();
    }

    private void armTimer() {
        if (!timerArmed && !done) {
            timerArmed = true;
            client.armExchangeTimer(cluster.config().timeouts().response().toNanos());
        }
    }

    /**
     * Times out a backend that makes no progress for the response timeout while maitre waits on it.
     * Time spent waiting on the client (a slow reader, or a request body still coming) does not count.
     * Called by the client connection, whose one timer carries this timeout while the exchange runs.
     */
    void onTimer() {
        timerArmed = false;
        if (done || backend == null) {
            return;
        }
        long timeout = cluster.config().timeouts().response().toNanos();
        boolean waitingOnClient = waitingForClientWritable || (!requestComplete && !waitingForBackendWritable);
        long idleFor = System.nanoTime() - lastProgressNanos;
        if (waitingOnClient || idleFor < timeout) {
            long delay = waitingOnClient ? timeout : timeout - idleFor;
            if (waitingOnClient) {
                lastProgressNanos = System.nanoTime();
            }
            timerArmed = true;
            client.armExchangeTimer(delay);
            return;
        }
        Channel channel = detachBackend();
        channel.close();
        report(endpoint, Outcome.Kind.TIMEOUT, responseStarted ? status : 0);
        if (responseStarted) {
            client.abort();
            finishQuietly();
        } else {
            fail(Rejection.BACKEND_TIMEOUT);
        }
    }

    /** The request itself is unacceptable midway (too large, malformed body). */
    private void abortRequest(Rejection rejection) {
        Channel channel = detachBackend();
        if (channel != null) {
            channel.close();
        }
        if (responseStarted) {
            client.abort();
            finishQuietly();
        } else {
            fail(rejection);
        }
    }

    /** Answers with maitre's own error, unless the response has begun, in which case the client is cut off. */
    private void fail(Rejection rejection) {
        if (done) {
            return;
        }
        if (responseStarted) {
            client.abort();
            finishQuietly();
            return;
        }
        status = rejection.status().code();
        boolean keepAlive = clientKeepAlive && (requestComplete || noRequestBody) && !listener.draining();
        done = true;
        cancelTimer();
        releaseReplay();
        logAccess();
        client.respondWithError(rejection, keepAlive, http10Client);
    }

    private void finish(boolean keepAlive) {
        done = true;
        cancelTimer();
        releaseReplay();
        logAccess();
        client.exchangeFinished(keepAlive);
    }

    private void finishQuietly() {
        done = true;
        cancelTimer();
        releaseReplay();
        logAccess();
    }

    private Channel detachBackend() {
        Channel channel = backend;
        if (channel != null) {
            BackendConnection connection = BackendConnection.of(channel);
            if (connection != null) {
                connection.detach();
            }
            listener.activeRequests().decrement(endpoint.id());
            backend = null;
        }
        return channel;
    }

    private void cancelTimer() {
        if (timerArmed) {
            timerArmed = false;
            client.cancelExchangeTimer();
        }
    }

    private void releaseReplay() {
        replay.release();
    }

    private void report(Endpoint target, Outcome.Kind kind, int code) {
        long now = System.nanoTime();
        long since = target == null ? startNanos : attemptStartNanos;
        listener.outcomes().onOutcome(new Outcome(cluster.name(), target, kind, code, now - since));
    }

    private void logAccess() {
        if (requestLine != null && ACCESS.isInfoEnabled()) {
            ACCESS.info("{} \"{}\" {} {} {}ms {} {}", client.remoteAddress(), requestLine, status, responseBytes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), cluster.name(),
                    endpoint == null ? "-" : endpoint.address());
        }
    }

    boolean isDone() {
        return done;
    }
}
