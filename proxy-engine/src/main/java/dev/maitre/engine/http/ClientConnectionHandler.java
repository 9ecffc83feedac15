package dev.maitre.engine.http;

import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.relay.PairRelay;
import dev.maitre.engine.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of an HTTP listener: reads one request at a time, validates and routes it,
 * hands it to a {@link ProxyExchange}, and keeps the connection alive or closes it afterwards. Also
 * owns the client-side timeouts: the time to send a request head and the keep-alive idle time
 * ({@link NextRequestWait}).
 *
 * <p>Pipelined requests are answered in order because the next request is only taken
 * ({@link RequestPull}) once the current exchange has finished, and only once the client connection
 * is writable: a client that sends requests and reads no answer gets no more than the write buffer
 * holds. At most {@code limits.pipelinedRequests} requests wait; beyond them the decoder stops (see
 * {@link RequestDecoder#decodeLeftover()}) and nothing more is read.
 *
 * <p>When the client's input ends, the request being answered is still answered if it was complete
 * (requests waiting behind it are dropped); one that the end cuts short can never be completed, so
 * its exchange ends at once and the connection is closed.
 *
 * <p>A connection closes as nginx's {@code lingering_close on} does ({@link ConnectionClose}): at
 * once, right after the last answer is flushed, when the client said it sends nothing more
 * ({@code Connection: close}, an HTTP/1.0 request without keep-alive) and nothing of its input is
 * pending; with a half-close and a moment of discarding what still comes otherwise.
 *
 * <p>Thousands of these may sit idle at once, so a connection keeps no more than it needs: no
 * extra handlers in the pipeline, no listener or promise per connection.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter
        implements ClientSide, RequestPull.Consumer, ConnectionDeadline.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final HttpListenerContext listener;
    private final ClientResponseWriter writer = new ClientResponseWriter();

    private ChannelHandlerContext ctx;
    private RequestPull pull;
    private ProxyExchange exchange;
    /** The connection's one timer: request head, keep-alive idle, the current exchange's timeouts, closing. */
    private ConnectionDeadline deadline;
    private NextRequestWait nextRequest;
    /** The request being answered said the client sends nothing after it. */
    private boolean clientSaidClose;
    private boolean closing;
    private boolean inputShutdown;
    /** An exchange finished while the client had not taken its answer: the next one waits for writability. */
    private boolean waitingForWritable;
    private ClientHop hop = ClientHop.UNKNOWN;

    ClientConnectionHandler(HttpListenerContext listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.pull = new RequestPull(ctx, ctx.pipeline().get(RequestDecoder.class), this);
        this.deadline = new ConnectionDeadline(ctx.executor(), this);
        this.nextRequest = new NextRequestWait(listener, deadline);
        hop = listener.hopOf(ctx.channel());
        nextRequest.connectionStarted();
        requestRead();
    }

    /** Whether {@code head} asks for an upgrade this listener passes on; the decoder then waits for its answer. */
    boolean upgradeRequested(RequestHead head) {
        return listener.upgrades().requested(head);
    }

    /** The connection becomes a tunnel to {@code backend} ({@link ClientTunnel}); a draining listener leaves it open. */
    @Override
    public void openTunnel(ResponseHead head, Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic) {
        deadline.stop();
        writer.switchProtocols(ctx, head);
        pull.releaseHeld();
        ClientTunnel.open(ctx, this, listener, backend, owner, traffic, inputShutdown);
    }

    /**
     * The client speaks HTTP/2 (ALPN chose {@code h2}, or the connection opened with the preface): an
     * {@link Http2ClientConnection} takes the decoder's place, with the bytes the decoder holds, and
     * this handler leaves, its timer stopped. The connection is counted out by the new handler.
     */
    void startHttp2() {
        deadline.stop();
        pull.releaseHeld();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(this);
        pipeline.replace(RequestDecoder.class, "h2", Http2ClientConnection.create(listener, hop));
    }

    /** Called by the decoder when bytes arrive: a request head has begun. */
    void onBytesReceived() {
        nextRequest.bytesReceived();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pull.onMessage(msg);
    }

    @Override
    public void handle(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            requestRead();
            return;
        }
        if (msg instanceof ClientRequest request) {
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onContent(HttpContent content) {
        if (exchange != null) {
            exchange.onRequestContent(content);
        } else {
            // The end of a bodiless request answered before it was read: the next head follows.
            content.release();
            if (!waitingForWritable) {
                requestRead();
            }
        }
    }

    /** A request head: validated and routed, then answered by maitre or handed to an exchange, which owns it. */
    private void onRequest(ClientRequest request) {
        nextRequest.requestArrived();
        clientSaidClose = !request.valid() || !request.head().keepAlive();
        boolean http10 = request.http10();
        writer.startAnswer(request.headRequest(), http10);
        RequestTarget target = request.valid() ? request.parsedTarget() : null;
        Rejection rejection = RequestValidator.validate(request, target, listener.config().limits().maxBodyBytes());
        RoutingTable table = listener.table();
        String cluster = rejection != null ? null
                : table.router().route(RequestTarget.routingHost(target.host(request)), target.path());
        if (cluster == null) {
            // Nothing of a valid request is left unread when it has no body: the connection can go on.
            boolean keepAlive = rejection == null && request.bodiless() && !clientSaidClose;
            Rejection refused = rejection != null ? rejection : Rejection.NO_ROUTE;
            AccessLogLine.refused(table.accessLog(), this, request, refused);
            request.release();
            respondWithError(refused, keepAlive, http10);
            return;
        }
        exchange = request.pool().exchange();
        exchange.start(this, listener, table.cluster(cluster), table.accessLog(), request, target, hop);
    }

    /** Asks for the next message from the client (see {@link RequestPull}). */
    @Override
    public void requestRead() {
        pull.request();
    }

    /** Whether the decoder may produce another request: fewer than {@code limits.pipelinedRequests} wait. */
    boolean takesMoreRequests() {
        return pull == null || pull.takesMoreRequests(listener.config().limits().pipelinedRequests());
    }

    @Override
    public void noMoreInput() {
        if (exchange != null) {
            // The request body can never be completed: the backend connection is let go at once.
            exchange.onClientClosed();
            abort();
        } else {
            closeGracefully();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pull.onReadComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void writeInterim(ResponseHead head) {
        writer.interim(ctx, head);
    }

    @Override
    public boolean writeHead(ResponseHead head, boolean keepAliveWanted) {
        return writer.head(ctx, head, keepAliveWanted);
    }

    @Override
    public void writeBody(ByteBuf data) {
        writer.body(ctx, data);
    }

    @Override
    public void writeEnd(LastHttpContent last) {
        writer.end(ctx, last);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /**
     * The exchange is over; read the next request or close. The exchange goes back to the loop's
     * pool afterwards, so that a request already waiting, delivered meanwhile, gets another.
     */
    @Override
    public void exchangeFinished(boolean keepAlive) {
        ProxyExchange finished = exchange;
        exchange = null;
        pull.upgradeRefused();
        goOn(keepAlive);
        if (finished != null) {
            RequestPool.current().recycle(finished);
        }
    }

    private void goOn(boolean keepAlive) {
        if (!keepAlive || closing || inputShutdown || listener.draining()) {
            closeGracefully();
            return;
        }
        nextRequest.exchangeOver();
        if (!ctx.channel().isWritable()) {
            // The client has not taken the answers so far; reading and the next request wait for it.
            waitingForWritable = true;
            deadline.set(listener.config().timeouts().client().toNanos(), ConnectionDeadline.Kind.CLIENT);
            return;
        }
        readNext();
    }

    private void readNext() {
        nextRequest.armed();
        requestRead();
    }

    /**
     * While an exchange whose request the client sent whole runs, the connection keeps reading until
     * the next request's head is here: a client waiting for its answer sends nothing, and what one
     * that pipelines sends is held, one read at most past that head (the head's body, say, is not
     * read on before its exchange takes it). A request whose body is still coming reads only as its
     * backend takes it ({@link ExchangeFlow}).
     */
    @Override
    public boolean readsAhead() {
        return exchange != null && !exchange.awaitsBody() && !closing && !inputShutdown
                && pull.takesMoreRequests(1) && !pull.decoderStalled();
    }

    /** Sends maitre's own answer, then goes on with the connection or closes it. */
    @Override
    public void respondWithError(Rejection rejection, boolean keepAlive, boolean http10) {
        deadline.clear();
        boolean stayOpen = keepAlive && !listener.draining() && !inputShutdown;
        ctx.writeAndFlush(rejection.encoded(stayOpen, http10, writer.headRequest()), ctx.voidPromise());
        exchangeFinished(stayOpen);
    }

    /** Cuts the connection off at once: a response already begun cannot be completed. */
    @Override
    public void abort() {
        exchange = null;
        closing = true;
        deadline.clear();
        ctx.close();
    }

    @Override
    public boolean closing() {
        return closing;
    }

    @Override
    public String remoteAddress() {
        return hop.text();
    }

    @Override
    public ClientAddresses addresses() {
        return ClientAddresses.of(ctx.channel());
    }

    @Override
    public SSLSession tlsSession() {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return tls == null ? null : tls.engine().getSession();
    }

    /**
     * Closes after the last response is written: lingering when the client may still be sending (a
     * request it meant to keep the connection for, a body not read, pipelined requests), at once
     * otherwise.
     */
    private void closeGracefully() {
        if (closing) {
            return;
        }
        closing = true;
        boolean quiet = clientSaidClose && !pull.inputPending();
        pull.releaseHeld();
        // A client that takes nothing more would hold the connection open: it gets the client timeout.
        deadline.set(listener.config().timeouts().client().toNanos(), ConnectionDeadline.Kind.CLOSING);
        ConnectionClose.afterLastAnswer(ctx, deadline, quiet || inputShutdown, () -> inputShutdown, this::requestRead);
    }

    /** Graceful shutdown of the engine: close now if idle, after the current exchange otherwise. */
    void drain() {
        if (exchange == null) {
            closeGracefully();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                ctx.close();
            } else if (ApplicationProtocolNames.HTTP_2.equals(ctx.pipeline().get(SslHandler.class).applicationProtocol())) {
                startHttp2();
            } else if (listener.config().http2().only()) {
                // A client that did not choose h2 on a listener that speaks nothing else.
                closing = true;
                ctx.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            Transport.inputEnded(ctx.channel());
            inputShutdown = true;
            boolean wanted = pull.wantsMessage();
            pull.inputEnded();
            if (closing) {
                ctx.close();
            } else if (wanted || (exchange != null && exchange.awaitsBody() && !pull.holdsRequestEnd())) {
                // Also when the exchange is not asking right now (its backend is slow to take the body):
                // the body can never be completed, so the backend connection need not wait for it.
                noMoreInput();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onClientWritabilityChanged();
        } else if (waitingForWritable && ctx.channel().isWritable() && !closing) {
            waitingForWritable = false;
            readNext();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.connectionClosed();
        if (pull != null) {
            pull.releaseHeld();
            deadline.stop();
        }
        if (exchange != null) {
            exchange.onClientClosed();
            exchange = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    /** The current exchange waits for at most {@code nanos}. */
    @Override
    public void armExchangeTimer(long nanos) {
        deadline.set(nanos, ConnectionDeadline.Kind.EXCHANGE);
    }

    /** The current exchange no longer waits on anything. */
    @Override
    public void cancelExchangeTimer() {
        deadline.clear(ConnectionDeadline.Kind.EXCHANGE);
    }

    @Override
    public void onDeadline(ConnectionDeadline.Kind kind) {
        switch (kind) {
            case EXCHANGE -> {
                if (exchange != null) {
                    exchange.onTimer();
                }
            }
            case CLIENT, CLOSING -> {
                if (kind == ConnectionDeadline.Kind.CLIENT) {
                    listener.countClientTimeout();
                }
                closing = true;
                ctx.close();
            }
            case HEAD, IDLE -> {
                switch (closing ? NextRequestWait.Expiry.NONE : nextRequest.expired(kind)) {
                    case HEAD_TIMEOUT -> {
                        writer.startAnswer(false, false);
                        respondWithError(Rejection.REQUEST_HEADER_TIMEOUT, false, false);
                    }
                    case IDLE -> ctx.close();
                    case NONE -> {
                    }
                }
            }
        }
    }
}
