package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.relay.PairRelay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLSession;

/**
 * One HTTP/2 stream of a client connection, as the client side of its request's exchange: the
 * exchange core runs the request exactly as it runs an HTTP/1.1 one, and this side carries what it
 * asks for and writes over the stream.
 *
 * <p>Flow control is the backpressure: the body a client sends waits in its {@link Http2RequestBody}
 * until the exchange asks for more (which it does only while its backend connection takes it), and
 * only then is the stream's window (and the connection's) opened again by as much. What waits for a
 * stream is therefore at most its window, and for a connection at most its window. The other way,
 * the answer is read from the backend only while the stream may send ({@link #isWritable()}: the
 * client's window for the stream is open and the connection takes more).
 *
 * <p>When the answer ends before the request did, the stream is reset with {@code NO_ERROR} once
 * the answer's end is written (RFC 9113 §8.1), so that a client cannot keep a stream open, and a
 * place among {@code maxConcurrentStreams}, by trickling a body nobody reads.
 */
final class Http2StreamSide implements ClientSide, ConnectionDeadline.Owner {

    private final Http2ClientConnection connection;
    private final Http2Stream stream;
    private ProxyExchange exchange;
    /** When the exchange's timer expires, on the loop's ticker; 0 when it is not armed. Watched by the connection's one timer. */
    private long timerAtNanos;
    private boolean headRequest;
    /** A gRPC call: maitre's own answers and ends are gRPC statuses. */
    private final boolean grpc;
    /** The call's own deadline ({@code grpc-timeout}), when it set one. */
    private ConnectionDeadline callDeadline;
    /** Something of the answer went to the client (a head, interim or final). */
    private boolean headWritten;

    /** The request body on its way to the exchange, held within the stream's window until asked for. */
    private final Http2RequestBody body;

    /** Answer bytes the connection's flow controller holds for the stream, as it last said. */
    private long answerPending;

    /** The answer's head, written with what follows it (so a body-less answer is one frame). */
    private Http2Headers pendingHead;
    /** The write that ended the answer, once written. */
    private ChannelFuture answerEnd;

    Http2StreamSide(Http2ClientConnection connection, Http2Stream stream, Http2Headers headers) {
        this.connection = connection;
        this.stream = stream;
        this.body = new Http2RequestBody(this, connection, stream);
        this.grpc = GrpcStatus.isGrpc(headers);
        long timeout = grpc ? GrpcStatus.timeoutNanos(headers) : -1;
        if (timeout >= 0) {
            callDeadline = new ConnectionDeadline(context().executor(), this);
            callDeadline.set(timeout, ConnectionDeadline.Kind.DEADLINE);
        }
    }

    /** The request's head, as HTTP/1.1 bytes ({@code head}, taken); {@code endStream}: it has no body. */
    void start(ByteBuf head, boolean endStream) {
        HttpListenerContext listener = connection.listener();
        ListenerLimits limits = listener.config().limits();
        ClientRequest request = RequestPool.current().read(head, limits);
        request.http2(true);
        headRequest = request.headRequest();
        RequestTarget target = request.valid() ? request.parsedTarget() : null;
        Rejection rejection = RequestValidator.validate(request, target, limits.maxBodyBytes());
        RoutingTable table = listener.table();
        String cluster = rejection != null ? null
                : table.router().route(RequestTarget.routingHost(target.host(request)), target.path());
        if (cluster == null) {
            Rejection refused = rejection != null ? rejection : Rejection.NO_ROUTE;
            AccessLogLine.refused(table.accessLog(), this, request, refused);
            request.release();
            respondWithError(refused, false, false);
            return;
        }
        exchange = request.pool().exchange();
        exchange.start(this, listener, table.cluster(cluster), table.accessLog(), request, target, connection.hop());
    }

    // The request body

    /** A {@code DATA} frame's payload; returns how much of it is let go at once (passed on, or wanted by nobody). */
    int onData(ByteBuf data, boolean endOfStream) {
        return body.onData(data, endOfStream);
    }

    /** The request's trailers, which end it. */
    void onTrailers(HttpHeaders trailers) {
        body.onTrailers(trailers);
    }

    @Override
    public void requestRead() {
        body.requestRead();
    }

    /** The exchange the stream's request runs as; null once it ended. */
    ProxyExchange exchange() {
        return exchange;
    }

    private void releaseHeld() {
        body.release();
    }

    // The answer

    @Override
    public void writeInterim(ResponseHead head) {
        writeHeaders(Http2Answers.head(head), false);
    }

    @Override
    public boolean writeHead(ResponseHead head, boolean keepAliveWanted) {
        pendingHead = Http2Answers.head(head);
        return true;
    }

    @Override
    public void writeBody(ByteBuf data) {
        writePendingHead();
        connection.encoder().writeData(context(), stream.id(), data, 0, false, context().newPromise());
    }

    @Override
    public void writeEnd(LastHttpContent last) {
        ByteBuf content = last.content();
        HttpHeaders trailers = last.trailingHeaders();
        if (pendingHead != null && !content.isReadable() && trailers.isEmpty()) {
            Http2Headers head = pendingHead;
            pendingHead = null;
            last.release();
            answerEnd = writeHeaders(head, true);
            return;
        }
        writePendingHead();
        ChannelHandlerContext ctx = context();
        if (trailers.isEmpty()) {
            answerEnd = connection.encoder().writeData(ctx, stream.id(), content.retain(), 0, true, ctx.newPromise());
        } else {
            if (content.isReadable()) {
                connection.encoder().writeData(ctx, stream.id(), content.retain(), 0, false, ctx.newPromise());
            }
            answerEnd = writeHeaders(Http2Answers.trailers(trailers), true);
        }
        last.release();
    }

    private void writePendingHead() {
        if (pendingHead != null) {
            Http2Headers head = pendingHead;
            pendingHead = null;
            writeHeaders(head, false);
        }
    }

    private ChannelFuture writeHeaders(Http2Headers headers, boolean endStream) {
        headWritten = true;
        ChannelHandlerContext ctx = context();
        return connection.encoder().writeHeaders(ctx, stream.id(), headers, 0, endStream, ctx.newPromise());
    }

    @Override
    public void flush() {
        writePendingHead();
        connection.flushNow();
    }

    @Override
    public boolean isWritable() {
        return connection.encoder().flowController().isWritable(stream);
    }

    /** The flow controller holds {@code pending} answer bytes of the stream now; returns the change. */
    long answerPending(long pending) {
        long change = pending - answerPending;
        answerPending = pending;
        return change;
    }

    /** The client's window for the stream, or the connection's writability, changed. */
    void writabilityChanged() {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        }
    }

    @Override
    public EventLoop eventLoop() {
        return context().channel().eventLoop();
    }

    @Override
    public boolean closing() {
        return connection.goingAway();
    }

    @Override
    public String remoteAddress() {
        return connection.hop().text();
    }

    @Override
    public ClientAddresses addresses() {
        return ClientAddresses.of(context().channel());
    }

    @Override
    public boolean grpc() {
        return grpc;
    }

    @Override
    public SSLSession tlsSession() {
        return connection.tlsSession();
    }

    /**
     * The exchange's timer is kept by the connection, whose one deadline watches every stream's: a
     * stream of its own in the loop's heap of wake-ups would be added and removed with each request.
     */
    @Override
    public void armExchangeTimer(long nanos) {
        timerAtNanos = connection.armStreamTimer(nanos);
    }

    @Override
    public void cancelExchangeTimer() {
        timerAtNanos = 0;
    }

    /** When the exchange's timer expires; 0 when it is not armed. */
    long timerAtNanos() {
        return timerAtNanos;
    }

    /** The connection's timer found this stream's expired: its exchange judges what that means. */
    void timerExpired() {
        timerAtNanos = 0;
        if (exchange != null) {
            exchange.onTimer();
        }
    }

    @Override
    public void onDeadline(ConnectionDeadline.Kind kind) {
        if (kind == ConnectionDeadline.Kind.DEADLINE && exchange != null) {
            // The client gave up on the call by now: the backend's stream ends, the client hears why.
            ProxyExchange running = exchange;
            exchange = null;
            running.onClientClosed();
            endCall(GrpcStatus.DEADLINE_EXCEEDED, "deadline exceeded in the proxy");
        }
    }

    /** Ends a gRPC call with {@code status}: in trailers when the answer began, alone otherwise; reset when the client cannot take it. */
    private void endCall(int status, String message) {
        stopTimers();
        releaseHeld();
        if (!isWritable() || !stream.state().localSideOpen()) {
            pendingHead = null;
            connection.reset(stream, Http2Error.CANCEL);
            return;
        }
        writePendingHead();
        answerEnd = writeHeaders(headWritten ? GrpcStatus.trailers(status, message)
                : GrpcStatus.trailersOnly(status, message), true);
        over();
    }

    private void stopTimers() {
        timerAtNanos = 0;
        if (callDeadline != null) {
            callDeadline.stop();
        }
    }

    // The end

    @Override
    public void exchangeFinished(boolean keepAlive) {
        ProxyExchange finished = exchange;
        exchange = null;
        over();
        if (finished != null) {
            recycleLater(finished);
        }
    }

    /**
     * The exchange goes back to the loop's pool once every call under way has returned: it can end
     * inside one of its own calls (a piece of body written to a backend stream that closed a moment
     * ago fails at once, and the exchange answers UNAVAILABLE from within that write), and a call that
     * goes on after its exchange was emptied for another would fail, taking the client's whole
     * connection with it.
     */
    private void recycleLater(ProxyExchange finished) {
        try {
            eventLoop().execute(() -> RequestPool.current().recycle(finished));
        } catch (RejectedExecutionException stopping) {
            // The loop is shutting down: its pool goes with it.
        }
    }

    /** The answer is written whole: what is held goes, and a request still coming is stopped. */
    private void over() {
        releaseHeld();
        stopTimers();
        connection.flushNow();
        if (answerEnd != null && stream.state().remoteSideOpen()) {
            answerEnd.addListener((ChannelFutureListener) written -> {
                if (written.isSuccess() && stream.state().remoteSideOpen()) {
                    connection.reset(stream, Http2Error.NO_ERROR);
                }
            });
        }
    }

    @Override
    public void respondWithError(Rejection rejection, boolean keepAlive, boolean http10) {
        if (grpc) {
            answerEnd = writeHeaders(GrpcStatus.trailersOnly(GrpcStatus.of(rejection), rejection.body().trim()), true);
            exchangeFinished(false);
            return;
        }
        Http2Headers head = Http2Answers.rejection(rejection);
        if (headRequest) {
            answerEnd = writeHeaders(head, true);
        } else {
            writeHeaders(head, false);
            ChannelHandlerContext ctx = context();
            answerEnd = connection.encoder().writeData(ctx, stream.id(), rejection.bodyBytes(), 0, true,
                    ctx.newPromise());
        }
        exchangeFinished(false);
    }

    /**
     * The answer began and cannot be completed: the stream, not the connection, is reset; a gRPC call
     * the client still reads is ended with {@code UNAVAILABLE} in trailers instead, which is what its
     * status says: the backend failed midway.
     */
    @Override
    public void abort() {
        exchange = null;
        if (grpc) {
            endCall(GrpcStatus.UNAVAILABLE, "backend failed during the call");
            return;
        }
        pendingHead = null;
        releaseHeld();
        stopTimers();
        connection.reset(stream, Http2Error.INTERNAL_ERROR);
    }

    @Override
    public void openTunnel(ResponseHead head, Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic) {
        throw new IllegalStateException("no upgrade on an HTTP/2 stream");
    }

    /**
     * The stream closed: reset by the client, or the connection is gone, and an exchange still running
     * ends; or the answer's end was written (the request having ended before it), and the exchange
     * completes by itself at the end of the backend read that carried it.
     */
    void closed() {
        if (answerEnd != null) {
            releaseHeld();
            stopTimers();
            return;
        }
        ProxyExchange running = exchange;
        exchange = null;
        pendingHead = null;
        releaseHeld();
        stopTimers();
        if (running != null) {
            running.onClientClosed();
        }
    }

    private ChannelHandlerContext context() {
        return connection.context();
    }
}
