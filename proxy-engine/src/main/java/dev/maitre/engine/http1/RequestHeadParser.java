package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Reads a client's request head from the bytes it arrived in, without a string or a map: the
 * request line and the fields become offsets in a {@link RequestHead}. It accepts what the proxy's
 * Netty-based request decoding accepts and refuses the rest with the same answer, rejecting what
 * RFC 9112 lets a recipient either repair or reject: a leading or doubled space in the request line,
 * a lower-case {@code HTTP}, a bare CR or LF, an obsolete line folding, a second Content-Length
 * (HTTP/1.0 too), a field name with whitespace before its colon, a control character anywhere.
 *
 * <p>Limits are counted as the proxy always counted them: the request line without its CRLF
 * against {@code maxRequestLineBytes}; the field lines without their CRLFs, together, against
 * {@code maxHeaderBytes}. Empty lines before the request line are skipped, up to
 * {@code maxRequestLineBytes} of them.
 *
 * <p>Where several rules are broken the first refusal wins in this order: a forbidden byte or
 * space anywhere in the head, then the limits and line syntax line by line (a refused field
 * line leaves the framing fields before it to decide whether the answer names the framing), then
 * the version, the method and the framing. Host and the target's form are the caller's to check.
 *
 * <p>A head that arrives in pieces is read once: {@link #resume} goes on from where the last call
 * stopped (the strict scan's state, how far line ends were looked for, the field lines read), so a
 * client sending a byte at a time costs each byte a constant amount of work. Between calls the
 * bytes may move with the reader index (a cumulation copied into a larger buffer); what was read is
 * kept relative to it.
 */
public final class RequestHeadParser {

    private static final ByteProcessor TCHAR = Ascii::isTchar;
    private static final ByteProcessor FIELD_VALUE = Ascii::isFieldValueByte;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CONTENT_LENGTH = HeadBytes.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = HeadBytes.bytes("transfer-encoding");
    private static final byte[] CONNECTION = HeadBytes.bytes("connection");
    private static final byte[] HOST = HeadBytes.bytes("host");
    private static final byte[] CONNECT = HeadBytes.bytes("CONNECT");
    private static final byte[] SEC_WEBSOCKET_KEY1 = HeadBytes.bytes("sec-websocket-key1");
    private static final byte[] SEC_WEBSOCKET_KEY2 = HeadBytes.bytes("sec-websocket-key2");

    private int maxRequestLineBytes;
    private int maxHeaderBytes;

    private static final int FRESH = 0;
    private static final int REQUEST_LINE = 1;
    private static final int FIELDS = 2;

    /** Where the current head stands: not begun, before its request line is whole, in its fields. */
    private int phase = FRESH;
    /** The reader index the positions below were taken at. */
    private int base;
    /** Where the strict scan goes on. */
    private int scanAt;
    /** Where the request line starts, once the empty lines before it are skipped; or how far the skipping got. */
    private int skipAt;
    /** Where the search for the current line's end goes on. */
    private int lfAt;
    /** Where the current field line starts. */
    private int line;
    /** The field lines' bytes so far, against {@code maxHeaderBytes}. */
    private int size;
    /** A field line read but not yet judged (judged once the next line is whole, as Netty's decoder did); -1 if none. */
    private int pendingFrom;
    private int pendingColon;
    private int pendingValueStart;
    private int pendingValueEnd;

    private final StrictHeadScan scan = new StrictHeadScan();
    /** What the fields added so far say of framing. */
    private final RequestFraming framing = new RequestFraming();
    private int major;
    private int minor;
    /** The head being parsed and its bytes, kept while {@link #parse} runs. */
    private ByteBuf in;
    private RequestHead head;

    public RequestHeadParser(int maxRequestLineBytes, int maxHeaderBytes) {
        limits(maxRequestLineBytes, maxHeaderBytes);
    }

    /** The limits of the heads parsed from now on (a parser may serve listeners with other limits). */
    public void limits(int maxLine, int maxHeader) {
        maxRequestLineBytes = maxLine;
        maxHeaderBytes = maxHeader;
    }

    /**
     * Parses the head starting at {@code in}'s reader index into {@code head} from its first byte,
     * leaving the indexes alone: {@link RequestVerdict#COMPLETE} with {@link RequestHead#end()} set,
     * or {@link RequestVerdict#NEED_MORE}, or why the request is refused.
     */
    public RequestVerdict parse(ByteBuf bytes, RequestHead into) {
        phase = FRESH;
        return resume(bytes, into);
    }

    /**
     * As {@link #parse}, going on from where the last call for this head stopped with
     * {@link RequestVerdict#NEED_MORE}: {@code bytes} are the same bytes from the same reader index,
     * with more after them. After any other verdict the next call starts a new head.
     */
    public RequestVerdict resume(ByteBuf bytes, RequestHead into) {
        in = bytes;
        head = into;
        try {
            RequestVerdict verdict = parse();
            if (verdict != RequestVerdict.NEED_MORE) {
                phase = FRESH;
            }
            return verdict;
        } finally {
            in = null;
            head = null;
        }
    }

    /**
     * The input ended in the head being read: why it is refused if its request line was read (as
     * if the next line were invalid), or null when not even that came.
     */
    public RequestVerdict cutShort(ByteBuf bytes, RequestHead into) {
        if (phase != FIELDS) {
            return null;
        }
        phase = FRESH;
        in = bytes;
        head = into;
        try {
            if (bytes.readerIndex() != base) {
                shift(bytes.readerIndex() - base);
            }
            head.bytes(bytes);
            return failure(false);
        } finally {
            in = null;
            head = null;
        }
    }

    private RequestVerdict parse() {
        int from = in.readerIndex();
        int to = in.writerIndex();
        if (phase == FRESH) {
            begin(from);
        } else if (from != base) {
            shift(from - base);
        }
        head.bytes(in);
        base = from;
        int scanned = scan.scan(in, scanAt, to);
        scanAt = to;
        if (scanned == StrictHeadScan.FAILED) {
            head.forgetRequestLine();
            return RequestVerdict.MALFORMED;
        }
        if (phase == REQUEST_LINE) {
            RequestVerdict verdict = readRequestLine(from, to);
            if (verdict != null) {
                return verdict;
            }
        }
        return fields(to);
    }

    private void begin(int from) {
        head.reset(in);
        phase = REQUEST_LINE;
        scan.start();
        scanAt = from;
        skipAt = from;
        lfAt = from;
        size = 0;
        pendingFrom = -1;
        framing.reset();
    }

    /** The bytes moved by {@code delta} with the reader index: every position read so far moves with them. */
    private void shift(int delta) {
        scanAt += delta;
        skipAt += delta;
        lfAt += delta;
        line += delta;
        if (pendingFrom >= 0) {
            pendingFrom += delta;
            pendingColon += delta;
            pendingValueStart += delta;
            pendingValueEnd += delta;
        }
        head.shift(delta);
    }

    /** Reads the request line once it is whole: null when it was, else the verdict. */
    private RequestVerdict readRequestLine(int from, int to) {
        while (skipAt < to && (in.getByte(skipAt) == CR || in.getByte(skipAt) == LF)) {
            skipAt++;
        }
        int start = skipAt;
        if (start - from >= maxRequestLineBytes) {
            return to - from > maxRequestLineBytes ? RequestVerdict.REQUEST_LINE_TOO_LONG : RequestVerdict.NEED_MORE;
        }
        if (start == to) {
            return RequestVerdict.NEED_MORE;
        }
        int first = in.getUnsignedByte(start);
        if (first >= 0x80 && first <= 0x9f) {
            // A C1 control opening the request line is refused at once, before the line is whole.
            return RequestVerdict.MALFORMED;
        }
        int limit = (int) Math.min(to, start + (long) maxRequestLineBytes + 2);
        int lf = indexOfLf(Math.max(lfAt, start), limit);
        if (lf < 0) {
            lfAt = Math.max(limit, start);
            return to - start > maxRequestLineBytes ? RequestVerdict.REQUEST_LINE_TOO_LONG : RequestVerdict.NEED_MORE;
        }
        if (in.getByte(lf - 1) != CR) {
            return RequestVerdict.MALFORMED;
        }
        if (lf - 1 - start > maxRequestLineBytes) {
            return RequestVerdict.REQUEST_LINE_TOO_LONG;
        }
        if (!requestLine(start, lf - 1)) {
            return RequestVerdict.MALFORMED;
        }
        phase = FIELDS;
        line = lf + 1;
        lfAt = line;
        return null;
    }

    /** The first LF in {@code [from, to)}, or -1 (also when {@code from} is past {@code to}). */
    private int indexOfLf(int from, int to) {
        return from >= to ? -1 : in.indexOf(from, to, LF);
    }

    /**
     * Splits {@code token SP target SP HTTP/d.d}; the scan already refused controls and doubled
     * spaces. A target is any other bytes: its form is the caller's to check.
     */
    private boolean requestLine(int from, int to) {
        if (in.getByte(to - 1) == ' ') {
            return false;
        }
        int sp1 = in.indexOf(from, to, (byte) ' ');
        if (sp1 < 0 || in.forEachByte(from, sp1 - from, TCHAR) >= 0) {
            return false;
        }
        int sp2 = in.indexOf(sp1 + 1, to, (byte) ' ');
        if (sp2 < 0 || to - (sp2 + 1) != 8) {
            return false;
        }
        int v = sp2 + 1;
        for (int k = 0; k < 5; k++) {
            if (in.getByte(v + k) != "HTTP/".charAt(k)) {
                return false;
            }
        }
        byte majorDigit = in.getByte(v + 5);
        byte minorDigit = in.getByte(v + 7);
        if (!HeadBytes.isDigit(majorDigit) || in.getByte(v + 6) != '.' || !HeadBytes.isDigit(minorDigit)) {
            return false;
        }
        major = majorDigit - '0';
        minor = Math.min(minorDigit - '0', 1);
        head.requestLine(from, sp1, sp1 + 1, sp2, minor);
        return true;
    }

    private RequestVerdict fields(int to) {
        while (true) {
            int room = maxHeaderBytes - size;
            int limit = (int) Math.min(to, line + (long) room + 2);
            int lf = indexOfLf(Math.max(lfAt, line), limit);
            if (lf < 0) {
                lfAt = Math.max(limit, line);
                return to - line > room ? RequestVerdict.HEAD_TOO_LARGE : RequestVerdict.NEED_MORE;
            }
            if (lf == line || in.getByte(lf - 1) != CR) {
                return failure(false);
            }
            int lineEnd = lf - 1;
            if (lineEnd > line) {
                size += lineEnd - line;
                if (size > maxHeaderBytes) {
                    return RequestVerdict.HEAD_TOO_LARGE;
                }
            }
            if (pendingFrom >= 0) {
                RequestVerdict added = add(pendingFrom, pendingColon, pendingValueStart, pendingValueEnd);
                if (added != null) {
                    return added;
                }
                pendingFrom = -1;
            }
            if (lineEnd == line) {
                head.end(lf + 1, size);
                return complete();
            }
            int colon = in.indexOf(line, lineEnd, (byte) ':');
            if (colon < 0) {
                return failure(false);
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && isLatinWhitespace(in.getByte(valueStart))) {
                if (!HeadBytes.isOws(in.getByte(valueStart))) {
                    return failure(false);
                }
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && HeadBytes.isOws(in.getByte(valueEnd - 1))) {
                valueEnd--;
            }
            pendingFrom = line;
            pendingColon = colon;
            pendingValueStart = valueStart;
            pendingValueEnd = valueEnd;
            line = lf + 1;
            lfAt = line;
        }
    }

    /** Adds a field line as Netty's validating headers did; a refusal, or null. */
    private RequestVerdict add(int from, int colon, int valueStart, int valueEnd) {
        boolean isContentLength = HeadBytes.is(in, from, colon, CONTENT_LENGTH);
        if (isContentLength && framing.hasContentLength()) {
            return failure(true);
        }
        if (colon == from || in.forEachByte(from, colon - from, TCHAR) >= 0) {
            return failure(false);
        }
        if (valueEnd > valueStart && in.forEachByte(valueStart, valueEnd - valueStart, FIELD_VALUE) >= 0) {
            return failure(false);
        }
        int index = head.fieldCount();
        head.addField(from, colon, valueStart, valueEnd);
        if (isContentLength) {
            framing.contentLength(index);
        } else if (HeadBytes.is(in, from, colon, TRANSFER_ENCODING)) {
            framing.transferEncoding(in, valueStart, valueEnd);
        } else if (HeadBytes.is(in, from, colon, HOST)) {
            head.host(index);
        } else if (HeadBytes.is(in, from, colon, CONNECTION)) {
            head.connectionTokens(in, valueStart, valueEnd);
        } else if (HeadBytes.is(in, from, colon, SEC_WEBSOCKET_KEY1)) {
            framing.webSocketKey(1);
        } else if (HeadBytes.is(in, from, colon, SEC_WEBSOCKET_KEY2)) {
            framing.webSocketKey(2);
        }
        return null;
    }

    /** The answer to a head refused after its request line, from the fields added before the refusal. */
    private RequestVerdict failure(boolean repeatedContentLength) {
        return framing.failure(major, minor, repeatedContentLength, in, head);
    }

    /**
     * Judges the whole head: first what Netty's decoder refused after the last field, answered as
     * {@link #failure}; then the method and the framing as the proxy's request validation did.
     */
    private RequestVerdict complete() {
        return framing.judge(major, minor, HeadBytes.isExactly(in, head.methodStart(), head.methodEnd(), CONNECT), in, head);
    }

    /** {@link Character#isWhitespace} of a Latin-1 byte below 0x80. */
    private static boolean isLatinWhitespace(byte b) {
        return b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
    }
}
