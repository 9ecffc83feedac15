package dev.maitre.engine.http;

import dev.maitre.api.config.ListenerLimits;
import dev.maitre.engine.http1.LastPiece;
import dev.maitre.engine.http1.RequestChunks;
import dev.maitre.engine.http1.RequestHead;
import dev.maitre.engine.http1.RequestHeadParser;
import dev.maitre.engine.http1.RequestVerdict;
import dev.maitre.engine.http2.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Reads a client connection's requests from its bytes: each head with {@link RequestHeadParser}
 * (strict: what RFC 9112 lets a recipient either repair or reject is rejected), as a
 * {@link ClientRequest} that owns a copy of its bytes, then its body as
 * {@code HttpContent} slices and one {@code LastHttpContent} ({@link RequestChunks} for a chunked
 * one). A head is refused with a {@code ClientRequest} that carries the reason; after it nothing
 * more is decoded: the connection is closing.
 *
 * <p>A head that arrives in pieces is parsed where the last piece stopped, so a client sending a
 * byte at a time costs each byte a constant amount of work.
 *
 * <p>It also tells its connection when bytes arrive, so that the keep-alive idle timeout gives way
 * to the request-header timeout as soon as a request begins (a handler of its own for that would
 * cost every idle connection another pipeline context).
 *
 * <p>It decodes only while its connection takes more requests ({@code limits.pipelinedRequests}
 * waiting at most): past that, what was read stays undecoded (one socket read at most, since the
 * connection reads nothing more meanwhile) until the connection asks for it with
 * {@link #decodeLeftover()}.
 *
 * <p>After a request that asks for an upgrade the listener passes on, nothing more is decoded until
 * its answer came: a {@code 101} makes the connection a tunnel and takes the decoder out of the
 * pipeline, which passes the bytes it holds on as they are; any other answer lets decoding go on
 * ({@link #upgradeRefused()}).
 */
final class RequestDecoder extends ByteToMessageDecoder {

    private enum State { HEAD, FIXED, CHUNKED, REJECTED, UPGRADE }

    private final ListenerLimits limits;
    private final ClientConnectionHandler connection;
    private State state = State.HEAD;
    /** The request being read and its parser, from the loop's {@link RequestPool}; null between heads. */
    private ClientRequest next;
    private RequestHeadParser parser;
    /** Made for the connection's first chunked body. */
    private RequestChunks chunks;
    /** Part of a head was read: the parser resumes it. */
    private boolean inHead;
    /** Bytes left of a Content-Length body. */
    private long remaining;
    private ChannelHandlerContext ctx;
    /** Bytes were left undecoded because the connection took no more requests. */
    private boolean stalled;
    private boolean inChannelRead;
    /** Nothing was decoded yet and the connection may turn out to speak HTTP/2 (its preface). */
    private boolean mayBeHttp2;
    /** The listener speaks HTTP/2 alone: a connection that does not open with the preface is closed. */
    private boolean onlyHttp2;

    /** Decodes within {@code limits}, telling {@code connection} (when not null) when bytes arrive. */
    RequestDecoder(ListenerLimits limits, ClientConnectionHandler connection) {
        this.limits = limits;
        this.connection = connection;
    }

    /**
     * The connection's first bytes are looked at for the HTTP/2 preface (clear text, HTTP/2 on); when
     * {@code only}, bytes that are not the preface close the connection unanswered.
     */
    RequestDecoder acceptingHttp2Preface(boolean only) {
        mayBeHttp2 = true;
        onlyHttp2 = only;
        return this;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (connection != null && msg instanceof ByteBuf buf && buf.isReadable()) {
            connection.onBytesReceived();
        }
        inChannelRead = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            inChannelRead = false;
        }
    }

    /**
     * A read that produced no message makes the decoder ask for another one. While stalled that
     * would read the client's bytes into the cumulation without end (a read asked for before the
     * connection filled up can still come), so then no read is asked for: the connection asks when
     * it wants more.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (stalled) {
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    /**
     * Decodes what was left undecoded while the connection took no more requests, delivering it at
     * once. Called by the connection when it wants a message and holds none. (When the client's
     * input ends meanwhile, what is left is dropped with the requests waiting: see the connection.)
     */
    void decodeLeftover() {
        if (!stalled || inChannelRead) {
            return;
        }
        stalled = false;
        if (internalBuffer().isReadable()) {
            connection.onBytesReceived();
        }
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** Whether bytes were left undecoded because the connection took no more requests. */
    boolean stalled() {
        return stalled;
    }

    /**
     * Whether any of the client's input is here and not yet delivered: bytes left undecoded, a
     * request head or body partly decoded, or a request refused (what follows it was not read).
     */
    boolean holdsInput() {
        return (state != State.HEAD && state != State.UPGRADE) || inHead || actualReadableBytes() > 0;
    }

    /** The upgrade asked for was not made: the requests that follow it are decoded as ever. */
    void upgradeRefused() {
        if (state == State.UPGRADE) {
            state = State.HEAD;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (mayBeHttp2 && in.isReadable()) {
            switch (Preface.match(in)) {
                case UNDECIDED -> {
                    return;
                }
                case HTTP2 -> {
                    // The connection hands the bytes, preface included, to its HTTP/2 handler.
                    mayBeHttp2 = false;
                    connection.startHttp2();
                    return;
                }
                case HTTP1 -> {
                    mayBeHttp2 = false;
                    if (onlyHttp2) {
                        // Not the preface, so not a client this listener speaks with (RFC 9113 §3.4).
                        in.skipBytes(in.readableBytes());
                        state = State.REJECTED;
                        ctx.close();
                        return;
                    }
                }
            }
        }
        while (in.isReadable()) {
            if (state == State.REJECTED) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (state == State.UPGRADE) {
                // Not read on until the answer says what the bytes are: one read at most is held.
                stalled = true;
                return;
            }
            if (connection != null && !connection.takesMoreRequests()) {
                stalled = true;
                return;
            }
            switch (state) {
                case HEAD -> {
                    if (!readHead(ctx, in, out)) {
                        return;
                    }
                }
                case FIXED -> {
                    int length = (int) Math.min(Math.min(remaining, in.readableBytes()), RequestChunks.MAX_PIECE);
                    ByteBuf piece = in.readRetainedSlice(length);
                    remaining -= length;
                    if (remaining == 0) {
                        out.add(new LastPiece(piece));
                        state = State.HEAD;
                    } else {
                        out.add(new DefaultHttpContent(piece));
                    }
                }
                case CHUNKED -> {
                    switch (chunks.read(in, out)) {
                        case ENDED -> state = State.HEAD;
                        case FAILED -> state = State.REJECTED;
                        case NEED_MORE -> {
                            return;
                        }
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
            if (!out.isEmpty()) {
                // One message at a time: the connection may stall the decoder before the next.
                return;
            }
        }
    }

    /** The head of {@code request} was read (or refused): its parser goes back to the pool the request came from. */
    private void headRead(ClientRequest request) {
        request.pool().recycle(parser);
        parser = null;
        next = null;
    }

    /**
     * The input ended. A head whose request line was read and whose end never came is refused, as
     * if its next line were invalid (the client gets its 400 before the connection closes); a body
     * cut short is the connection's to notice.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (state == State.HEAD && inHead && out.isEmpty()) {
            RequestVerdict verdict = parser.cutShort(in, next.head());
            if (verdict != null) {
                inHead = false;
                state = State.REJECTED;
                out.add(next.read(verdict));
                headRead(next);
            }
        }
    }

    /** Reads a head, or as much of it as is here: whether one was read (accepted or refused). */
    private boolean readHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (next == null) {
            RequestPool pool = RequestPool.current();
            next = pool.request();
            parser = pool.parser(limits.maxRequestLineBytes(), limits.maxHeaderBytes());
        }
        RequestHead read = next.head();
        RequestVerdict verdict = inHead ? parser.resume(in, read) : parser.parse(in, read);
        if (verdict == RequestVerdict.NEED_MORE) {
            inHead = true;
            return false;
        }
        inHead = false;
        ClientRequest request = next;
        headRead(request);
        if (verdict != RequestVerdict.COMPLETE) {
            state = State.REJECTED;
            in.skipBytes(in.readableBytes());
            out.add(request.read(verdict));
            return true;
        }
        int from = in.readerIndex();
        int end = read.end();
        // A copy the size of the head, not a slice of the read: a slice would keep the whole read
        // buffer for as long as the exchange runs.
        ByteBuf bytes = ctx.alloc().buffer(end - from, end - from).writeBytes(in, from, end - from);
        read.moveTo(bytes, from);
        in.readerIndex(end);
        out.add(request.read(RequestVerdict.COMPLETE));
        if (connection != null && connection.upgradeRequested(read)) {
            request.upgrade(true);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.UPGRADE;
            return true;
        }
        if (read.chunked()) {
            if (chunks == null) {
                chunks = new RequestChunks(limits.maxRequestLineBytes(), limits.maxHeaderBytes());
            }
            chunks.start(read.fieldBytes());
            state = State.CHUNKED;
        } else if (read.contentLength() > 0) {
            remaining = read.contentLength();
            state = State.FIXED;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return true;
    }
}
