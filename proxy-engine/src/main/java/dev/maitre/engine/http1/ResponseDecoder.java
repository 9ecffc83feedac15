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
import io.netty.util.ByteProcessor;
import io.netty.util.CharsetUtil;
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
 * response boundary, so it is never reused.
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

    private static final int NEED_MORE = -1;
    private static final int LINE_TOO_LONG = -2;
    private static final int TOO_LARGE = -3;
    private static final int BAD_STATUS_LINE = -4;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] TRAILER = bytes("trailer");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");

    private static final ByteProcessor TCHAR = Ascii::isTchar;
    private static final ByteProcessor FIELD_VALUE = Ascii::isFieldValueByte;

    private enum State { IDLE, HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, FAILED }

    private final ResponseHead head = new ResponseHead();
    private State state = State.IDLE;
    private boolean headRequest;
    /** The last final answer's end was decoded. */
    private boolean ended = true;
    private boolean trailingBytes;
    /** An interim answer of the expected answer came: closing now cuts the answer short. */
    private boolean interimSeen;
    /** Bytes left of a Content-Length body or of a chunk. */
    private long remaining;

    /** How many bytes past the reader index the line-end scan of a head, trailer section or chunk line got. */
    private int scanned;
    /** Where the current line of a head or trailer section starts, past the reader index. */
    private int lineFrom;
    private boolean statusLineSeen;
    private String statusLineProblem;

    /** What {@link #parseField} found. */
    private int nameEnd;
    private int valueStart;
    private int valueEnd;

    /** What the head's fields say of the body. */
    private int contentLengths;
    private boolean badContentLength;
    private long contentLength;
    private int codings;
    private int chunkedCodings;

    /** A request was sent: its answer comes next, without a body when {@code headRequest}. */
    public void expectAnswer(boolean headRequest) {
        if (state == State.FAILED) {
            return;
        }
        this.headRequest = headRequest;
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
        int end = sectionEnd(in, true);
        if (end < 0) {
            if (end == LINE_TOO_LONG) {
                fail(in, out, "the status line is longer than " + MAX_STATUS_LINE + " bytes");
            } else if (end == TOO_LARGE) {
                fail(in, out, "the head is larger than " + MAX_HEAD + " bytes");
            } else if (end == BAD_STATUS_LINE) {
                fail(in, out, statusLineProblem);
            }
            return false;
        }
        String problem = parseHead(in, in.readerIndex(), end);
        if (problem != null) {
            fail(in, out, problem);
            return false;
        }
        in.readerIndex(end);
        int status = head.status();
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

    /**
     * Scans for the empty line ending a head ({@code statusLine}) or trailer section, from where the
     * last call stopped: the index just past it, or {@link #NEED_MORE}, {@link #LINE_TOO_LONG},
     * {@link #TOO_LARGE}, {@link #BAD_STATUS_LINE}.
     */
    private int sectionEnd(ByteBuf in, boolean statusLine) {
        int base = in.readerIndex();
        int limit = Math.min(in.writerIndex(), base + MAX_HEAD);
        while (true) {
            int lf = in.indexOf(base + scanned, limit, LF);
            if (lf < 0) {
                scanned = limit - base;
                if (scanned == MAX_HEAD) {
                    return TOO_LARGE;
                }
                if (statusLine && !statusLineSeen && scanned - lineFrom > MAX_STATUS_LINE + 1) {
                    return LINE_TOO_LONG;
                }
                return NEED_MORE;
            }
            int contentEnd = contentEnd(in, base + lineFrom, lf);
            int length = contentEnd - (base + lineFrom);
            scanned = lf + 1 - base;
            if (statusLine && !statusLineSeen) {
                statusLineSeen = true;
                if (length > MAX_STATUS_LINE) {
                    return LINE_TOO_LONG;
                }
                // Read now rather than with the fields, so that what is no HTTP answer is refused at once.
                statusLineProblem = parseStatusLine(in, base, contentEnd);
                if (statusLineProblem != null) {
                    return BAD_STATUS_LINE;
                }
            } else if (length == 0) {
                return lf + 1;
            }
            lineFrom = scanned;
        }
    }

    /** Parses a whole head, {@code [from, to)}, into {@link #head}: null, or what is wrong with it. */
    private String parseHead(ByteBuf in, int from, int to) {
        head.reset(in);
        contentLengths = 0;
        badContentLength = false;
        contentLength = -1;
        codings = 0;
        chunkedCodings = 0;
        int lf = in.indexOf(from, to, LF);
        String problem = parseStatusLine(in, from, contentEnd(in, from, lf));
        int line = lf + 1;
        while (problem == null) {
            lf = in.indexOf(line, to, LF);
            int lineEnd = contentEnd(in, line, lf);
            if (lineEnd == line) {
                return framing();
            }
            problem = parseField(in, line, lineEnd);
            if (problem == null) {
                if (!head.addField(line, nameEnd, valueStart, valueEnd)) {
                    return "the head has more than " + ResponseHead.MAX_FIELDS + " fields";
                }
                readFramingField(in, line);
            }
            line = lf + 1;
        }
        return problem;
    }

    private String parseStatusLine(ByteBuf in, int from, int to) {
        if (to - from < 12) {
            return "the status line is not HTTP/1.x, a space and a three-digit status code";
        }
        for (int k = 0; k < 5; k++) {
            if (in.getByte(from + k) != "HTTP/".charAt(k)) {
                return "the status line does not start with HTTP/";
            }
        }
        byte minor = in.getByte(from + 7);
        if (in.getByte(from + 5) != '1' || in.getByte(from + 6) != '.' || !isDigit(minor)) {
            return "the status line's version is not HTTP/1.x";
        }
        if (in.getByte(from + 8) != ' ') {
            return "the status line's version is not followed by a space";
        }
        int code = 0;
        for (int k = 9; k < 12; k++) {
            byte digit = in.getByte(from + k);
            if (!isDigit(digit)) {
                return "the status code is not three digits";
            }
            code = code * 10 + digit - '0';
        }
        if (code < 100) {
            return "the status code is below 100";
        }
        int reasonStart = to;
        if (to > from + 12) {
            if (in.getByte(from + 12) != ' ') {
                return "the status code is not three digits";
            }
            reasonStart = from + 13;
            if (in.forEachByte(reasonStart, to - reasonStart, FIELD_VALUE) >= 0) {
                return "the reason phrase holds a control character";
            }
        }
        head.statusLine(Math.min(minor - '0', 1), code, reasonStart, to);
        return null;
    }

    /** Parses the field line {@code [from, to)} into {@link #nameEnd}, {@link #valueStart}, {@link #valueEnd}. */
    private String parseField(ByteBuf in, int from, int to) {
        byte first = in.getByte(from);
        if (first == ' ' || first == '\t') {
            return "a field line starts with whitespace";
        }
        int colon = in.forEachByte(from, to - from, TCHAR);
        if (colon < 0 || in.getByte(colon) != ':') {
            return "a field name holds a byte that is not a token character";
        }
        if (colon == from) {
            return "a field name is empty";
        }
        int start = skipOws(in, colon + 1, to);
        int end = trimOws(in, start, to);
        if (end > start && in.forEachByte(start, end - start, FIELD_VALUE) >= 0) {
            return "a field value holds a control character";
        }
        nameEnd = colon;
        valueStart = start;
        valueEnd = end;
        return null;
    }

    /** Reads what the field just parsed, starting at {@code nameStart}, says of framing or of the connection. */
    private void readFramingField(ByteBuf in, int nameStart) {
        if (is(in, nameStart, nameEnd, CONTENT_LENGTH)) {
            contentLengths++;
            contentLength = digits(in, valueStart, valueEnd);
            badContentLength |= contentLength < 0;
        } else if (is(in, nameStart, nameEnd, TRANSFER_ENCODING)) {
            for (int at = valueStart; ; ) {
                int comma = in.indexOf(at, valueEnd, (byte) ',');
                int elementEnd = comma < 0 ? valueEnd : comma;
                int start = skipOws(in, at, elementEnd);
                codings++;
                if (is(in, start, trimOws(in, start, elementEnd), CHUNKED)) {
                    chunkedCodings++;
                }
                if (comma < 0) {
                    break;
                }
                at = comma + 1;
            }
        } else if (is(in, nameStart, nameEnd, CONNECTION)) {
            for (int at = valueStart; ; ) {
                int comma = in.indexOf(at, valueEnd, (byte) ',');
                int elementEnd = comma < 0 ? valueEnd : comma;
                int start = skipOws(in, at, elementEnd);
                int end = trimOws(in, start, elementEnd);
                if (is(in, start, end, CLOSE)) {
                    head.connectionToken(true);
                } else if (is(in, start, end, KEEP_ALIVE)) {
                    head.connectionToken(false);
                }
                if (comma < 0) {
                    break;
                }
                at = comma + 1;
            }
        }
    }

    /** Sets the head's framing from its fields (RFC 9112 §6.3): null, or why it has none. */
    private String framing() {
        if (codings > 0) {
            if (codings != 1 || chunkedCodings != 1) {
                return "Transfer-Encoding is not exactly chunked";
            }
            // Transfer-Encoding overrides Content-Length, which is not forwarded.
            head.chunked(true);
            return null;
        }
        if (contentLengths > 1) {
            return "the head has more than one Content-Length";
        }
        if (badContentLength) {
            return "Content-Length is not a number of bytes";
        }
        head.contentLength(contentLength);
        return null;
    }

    private void readFixed(ByteBuf in, List<Object> out) {
        int length = (int) Math.min(remaining, in.readableBytes());
        ByteBuf piece = in.readRetainedSlice(length);
        remaining -= length;
        if (remaining == 0) {
            out.add(new DefaultLastHttpContent(piece));
            endAnswer(in);
        } else {
            out.add(new DefaultHttpContent(piece));
        }
    }

    private boolean readChunkSize(ByteBuf in, List<Object> out) {
        int from = in.readerIndex();
        int limit = Math.min(in.writerIndex(), from + MAX_CHUNK_LINE + 2);
        int lf = in.indexOf(from + scanned, limit, LF);
        if (lf < 0) {
            scanned = limit - from;
            if (scanned == MAX_CHUNK_LINE + 2) {
                fail(in, out, "a chunk-size line is longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return false;
        }
        int to = contentEnd(in, from, lf);
        long size = 0;
        int i = from;
        for (; i < to; i++) {
            int digit = hexValue(in.getByte(i));
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
            while (ext < to && (in.getByte(ext) == ' ' || in.getByte(ext) == '\t')) {
                ext++;
            }
            if (ext == to || in.getByte(ext) != ';') {
                fail(in, out, "a chunk size is followed by something other than an extension");
                return false;
            }
            if (in.forEachByte(ext, to - ext, FIELD_VALUE) >= 0) {
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
        if (first == LF) {
            length = 1;
        } else if (first != CR) {
            length = -1;
        } else if (in.readableBytes() < 2) {
            return false;
        } else {
            length = in.getByte(at + 1) == LF ? 2 : -1;
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
        int end = sectionEnd(in, false);
        if (end < 0) {
            if (end == TOO_LARGE) {
                fail(in, out, "the trailer section is larger than " + MAX_HEAD + " bytes");
            }
            return false;
        }
        LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
        int fields = 0;
        for (int line = in.readerIndex(); ; ) {
            int lf = in.indexOf(line, end, LF);
            int lineEnd = contentEnd(in, line, lf);
            if (lineEnd == line) {
                break;
            }
            String problem = parseField(in, line, lineEnd);
            if (problem == null && ++fields > ResponseHead.MAX_FIELDS) {
                problem = "the trailer section has more than " + ResponseHead.MAX_FIELDS + " fields";
            }
            if (problem != null) {
                fail(in, out, problem);
                return false;
            }
            if (!is(in, line, nameEnd, CONTENT_LENGTH) && !is(in, line, nameEnd, TRANSFER_ENCODING)
                    && !is(in, line, nameEnd, TRAILER)) {
                if (last == LastHttpContent.EMPTY_LAST_CONTENT) {
                    last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                }
                // Strings and a map here: trailers are rare.
                last.trailingHeaders().add(in.toString(line, nameEnd - line, CharsetUtil.ISO_8859_1),
                        in.toString(valueStart, valueEnd - valueStart, CharsetUtil.ISO_8859_1));
            }
            line = lf + 1;
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
        scanned = 0;
        lineFrom = 0;
        statusLineSeen = false;
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

    /** Where the content of the line ending in the LF at {@code lf} ends: before its CR, if any. */
    private static int contentEnd(ByteBuf in, int lineStart, int lf) {
        return lf > lineStart && in.getByte(lf - 1) == CR ? lf - 1 : lf;
    }

    private static int skipOws(ByteBuf in, int from, int to) {
        while (from < to && isOws(in.getByte(from))) {
            from++;
        }
        return from;
    }

    private static int trimOws(ByteBuf in, int from, int to) {
        while (to > from && isOws(in.getByte(to - 1))) {
            to--;
        }
        return to;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** The number {@code [from, to)} holds, only digits and within a long; -1 when it is not one. */
    private static long digits(ByteBuf in, int from, int to) {
        if (from == to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (!isDigit(b) || value > (Long.MAX_VALUE - (b - '0')) / 10) {
                return -1;
            }
            value = value * 10 + b - '0';
        }
        return value;
    }

    /** Whether {@code [from, to)} is {@code lowerCase}, without regard to case. */
    private static boolean is(ByteBuf in, int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int k = 0; k < lowerCase.length; k++) {
            if (Ascii.lower(in.getByte(from + k)) != lowerCase[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(CharsetUtil.US_ASCII);
    }
}
