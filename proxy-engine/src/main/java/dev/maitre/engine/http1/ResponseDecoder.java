package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Reads a backend's HTTP/1.1 answers (RFC 9112) byte by byte, without a header map or a string:
 * each head comes out as the decoder's one {@link ResponseHead}, filled again for every head, then
 * its body as {@code HttpContent} slices of the bytes received and one {@code LastHttpContent}.
 * Anything a recipient may reject is rejected: the decoder then emits one {@code LastHttpContent}
 * whose decoder result is the failure and reads nothing more of the connection.
 *
 * <p>Answers are paired with requests: {@link #expectAnswer} says one is due and whether it answers
 * a HEAD request. A byte that arrives when no answer is due (after the last one's end, or before any
 * request) belongs to no request: it is never decoded, and the connection is no longer at a
 * response boundary, so it is never reused. A {@code 101} to a request that asked for an upgrade
 * ends HTTP on the connection: every byte after its head is passed on as it comes.
 *
 * <p>The head points into the cumulation buffer, so it must be handled before those bytes move or
 * are freed. {@code ByteToMessageDecoder} fires a decode call's output before it decodes again, but
 * what the last decode call of a read produced is fired only after it released a fully read
 * cumulation or discarded its read bytes ({@code discardSomeReadBytes} every 16 reads), both of
 * which the head's indexes would not survive. So the head is fired from {@code decode} itself, right
 * after the reader index passed it, with whatever was decoded before it. The cumulator copies bytes
 * only in {@code channelRead} before decoding starts, never during {@code callDecode}, and this class
 * never discards bytes itself. A head that arrives in pieces keeps its reader index at its start
 * until it is complete, so offsets relative to the reader index survive a copy between reads.
 *
 * <p>A head in pieces is scanned for line ends once, remembering how far the scan got; when its
 * empty line is found, it is parsed in one more pass (the status line is parsed as soon as it is
 * whole too, so that what is no HTTP answer is refused at once). Each byte of a head is thus read
 * three times at most, however it is cut.
 */
public final class ResponseDecoder extends ByteToMessageDecoder {

    /** The longest status line, without its line end. */
    public static final int MAX_STATUS_LINE = 8192;
    /** The largest head, and the largest trailer section, line ends included. */
    public static final int MAX_HEAD = 64 * 1024;
    /** The longest chunk-size line (with its extensions), without its line end. */
    static final int MAX_CHUNK_LINE = 8192;

    private enum State { IDLE, HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, FAILED, SWITCHED }

    private final ResponseHead head = new ResponseHead();
    private final HeadParser parser = new HeadParser();
    private State state = State.IDLE;
    private boolean headRequest;
    /** The last final answer's end was decoded. */
    private boolean ended = true;
    private boolean trailingBytes;
    /** An interim answer of the expected answer came: closing now cuts the answer short. */
    private boolean interimSeen;
    /** The request answered next asked for an upgrade. */
    private boolean upgradeAsked;
    /** Bytes left of a Content-Length body or of a chunk. */
    private long remaining;

    /** How many bytes of a chunk-size line past the reader index were scanned for its end. */
    private int scanned;

    /** A request was sent: its answer comes next, without a body when {@code headRequest}. */
    public void expectAnswer(boolean headRequest) {
        expectAnswer(headRequest, false);
    }

    /**
     * A request was sent: its answer comes next, without a body when {@code headRequest}; when
     * {@code upgrade}, a {@code 101} answer switches the connection to another protocol, whose bytes
     * follow the head as they come, undecoded ({@code ByteBuf}s).
     */
    public void expectAnswer(boolean headRequest, boolean upgrade) {
        if (state == State.FAILED || state == State.SWITCHED) {
            return;
        }
        this.headRequest = headRequest;
        this.upgradeAsked = upgrade;
        ended = false;
        interimSeen = false;
        startHead();
    }

    /** Whether the last answer ended and no byte came after it: the only state a connection is reused in. */
    public boolean atResponseBoundary() {
        return ended && !trailingBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case IDLE -> {
                    // Left where it is: the connection is closed rather than reused, so nothing reads it.
                    trailingBytes = true;
                    return;
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                case SWITCHED -> {
                    out.add(in.readRetainedSlice(in.readableBytes()));
                    return;
                }
                case HEAD -> {
                    if (!readHead(ctx, in, out)) {
                        return;
                    }
                }
                case FIXED -> readFixed(in, out);
                case UNTIL_CLOSE -> out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
                case CHUNK_SIZE -> {
                    if (!readChunkSize(in, out)) {
                        return;
                    }
                }
                case CHUNK_DATA -> readChunkData(in, out);
                case CHUNK_END -> {
                    if (!readChunkEnd(in, out)) {
                        return;
                    }
                }
                case TRAILERS -> {
                    if (!readTrailers(in, out)) {
                        return;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** The input ended (close or input shutdown); what was decodable was decoded before. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> {
                if (in.isReadable() || interimSeen) {
                    fail(in, out, new PrematureChannelClosureException("the backend closed the connection in an answer's head"));
                }
            }
            case UNTIL_CLOSE -> {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                endAnswer(in);
            }
            case FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS ->
                    fail(in, out, new PrematureChannelClosureException("the backend closed the connection in an answer's body"));
            default -> {
                // Nothing was due, or the failure was told already.
            }
        }
    }

    private boolean readHead(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = parser.sectionEnd(in, true, head);
        if (end == HeadParser.NEED_MORE) {
            return false;
        }
        if (end == HeadParser.INVALID || !parser.parseHead(in, in.readerIndex(), end, head)) {
            fail(in, out, parser.problem());
            return false;
        }
        in.readerIndex(end);
        int status = head.status();
        if (status == 101 && upgradeAsked) {
            // HTTP ends here on this connection: what follows is the new protocol's.
            state = State.SWITCHED;
            out.add(head);
            for (int i = 0; i < out.size(); i++) {
                ctx.fireChannelRead(out.get(i));
            }
            out.clear();
            return true;
        }
        boolean interim = status < 200;
        boolean bodiless = interim || headRequest || status == 204 || status == 304;
        if (interim) {
            interimSeen = true;
            startHead();
        } else if (bodiless) {
            endAnswer(in);
        } else if (head.chunked()) {
            startLine(State.CHUNK_SIZE);
        } else if (head.contentLength() > 0) {
            remaining = head.contentLength();
            state = State.FIXED;
        } else if (head.contentLength() == 0) {
            endAnswer(in);
        } else {
            state = State.UNTIL_CLOSE;
        }
        out.add(head);
        // Fired now, while the bytes it points into are where it says: see the class comment.
        for (int i = 0; i < out.size(); i++) {
            ctx.fireChannelRead(out.get(i));
        }
        out.clear();
        if (bodiless || head.contentLength() == 0 && !head.chunked()) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return true;
    }

    private void readFixed(ByteBuf in, List<Object> out) {
        int length = (int) Math.min(remaining, in.readableBytes());
        ByteBuf piece = in.readRetainedSlice(length);
        remaining -= length;
        if (remaining == 0) {
            out.add(new LastPiece(piece));
            endAnswer(in);
        } else {
            out.add(new DefaultHttpContent(piece));
        }
    }

    private boolean readChunkSize(ByteBuf in, List<Object> out) {
        int from = in.readerIndex();
        int limit = Math.min(in.writerIndex(), from + MAX_CHUNK_LINE + 2);
        int lf = in.indexOf(from + scanned, limit, HeadParser.LF);
        if (lf < 0) {
            scanned = limit - from;
            if (scanned == MAX_CHUNK_LINE + 2) {
                fail(in, out, "a chunk-size line is longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return false;
        }
        int to = HeadParser.contentEnd(in, from, lf);
        long size = 0;
        int i = from;
        for (; i < to; i++) {
            int digit = HeadBytes.hexValue(in.getByte(i));
            if (digit < 0) {
                break;
            }
            if (i - from == 16 || size > Long.MAX_VALUE >>> 4) {
                fail(in, out, "a chunk size is too large");
                return false;
            }
            size = size << 4 | digit;
        }
        if (i == from) {
            fail(in, out, "a chunk size is not a hexadecimal number");
            return false;
        }
        if (i < to) {
            int ext = i;
            while (ext < to && HeadBytes.isOws(in.getByte(ext))) {
                ext++;
            }
            if (ext == to || in.getByte(ext) != ';') {
                fail(in, out, "a chunk size is followed by something other than an extension");
                return false;
            }
            if (in.forEachByte(ext, to - ext, HeadParser.FIELD_VALUE) >= 0) {
                fail(in, out, "a chunk extension holds a control character");
                return false;
            }
        }
        in.readerIndex(lf + 1);
        scanned = 0;
        if (size == 0) {
            startSection(State.TRAILERS);
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return true;
    }

    private void readChunkData(ByteBuf in, List<Object> out) {
        int length = (int) Math.min(remaining, in.readableBytes());
        out.add(new DefaultHttpContent(in.readRetainedSlice(length)));
        remaining -= length;
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private boolean readChunkEnd(ByteBuf in, List<Object> out) {
        int at = in.readerIndex();
        byte first = in.getByte(at);
        int length;
        if (first == HeadParser.LF) {
            length = 1;
        } else if (first != HeadParser.CR) {
            length = -1;
        } else if (in.readableBytes() < 2) {
            return false;
        } else {
            length = in.getByte(at + 1) == HeadParser.LF ? 2 : -1;
        }
        if (length < 0) {
            fail(in, out, "chunk data is not followed by a line end");
            return false;
        }
        in.skipBytes(length);
        startLine(State.CHUNK_SIZE);
        return true;
    }

    private boolean readTrailers(ByteBuf in, List<Object> out) {
        int end = parser.sectionEnd(in, false, head);
        if (end == HeadParser.NEED_MORE) {
            return false;
        }
        LastHttpContent last = end == HeadParser.INVALID ? null : parser.parseTrailers(in, in.readerIndex(), end);
        if (last == null) {
            fail(in, out, parser.problem());
            return false;
        }
        in.readerIndex(end);
        out.add(last);
        endAnswer(in);
        return true;
    }

    private void startHead() {
        startSection(State.HEAD);
    }

    private void startSection(State next) {
        state = next;
        parser.start();
    }

    private void startLine(State next) {
        state = next;
        scanned = 0;
    }

    /** The final answer ended: any byte after it is outside every answer. */
    private void endAnswer(ByteBuf in) {
        state = State.IDLE;
        ended = true;
        trailingBytes |= in.isReadable();
    }

    private void fail(ByteBuf in, List<Object> out, String problem) {
        fail(in, out, new IllegalArgumentException(problem));
    }

    private void fail(ByteBuf in, List<Object> out, Exception cause) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        LastHttpContent failure = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        failure.setDecoderResult(DecoderResult.failure(cause));
        out.add(failure);
    }
}
