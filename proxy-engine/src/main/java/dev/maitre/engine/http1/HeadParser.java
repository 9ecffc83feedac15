package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import io.netty.util.CharsetUtil;

/**
 * Reads the line-based sections of an answer, its head and its trailer section, for
 * {@link ResponseDecoder}: first finds where a section ends as its bytes arrive, then parses it
 * whole. A problem is told as a short message; nothing is allocated on the way to a valid head.
 */
final class HeadParser {

    /** {@link #sectionEnd}: the section's end has not arrived. */
    static final int NEED_MORE = -1;
    /** {@link #sectionEnd}: the section is invalid, as {@link #problem} says. */
    static final int INVALID = -2;

    static final byte CR = '\r';
    static final byte LF = '\n';
    /** Whether a byte may be in a field value, a reason phrase or a chunk extension. */
    static final ByteProcessor FIELD_VALUE = Ascii::isFieldValueByte;

    private static final ByteProcessor TCHAR = Ascii::isTchar;
    private static final byte[] CONTENT_LENGTH = HeadBytes.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = HeadBytes.bytes("transfer-encoding");
    private static final byte[] CONNECTION = HeadBytes.bytes("connection");
    private static final byte[] TRAILER = HeadBytes.bytes("trailer");
    private static final byte[] CHUNKED = HeadBytes.bytes("chunked");

    /** How many bytes past the reader index the scan for the section's end got. */
    private int scanned;
    /** Where the line being scanned starts, past the reader index. */
    private int lineFrom;
    private boolean statusLineSeen;
    private String problem;

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

    /** A new section starts at the reader index. */
    void start() {
        scanned = 0;
        lineFrom = 0;
        statusLineSeen = false;
    }

    /** What made the last section invalid. */
    String problem() {
        return problem;
    }

    /**
     * Scans for the empty line ending a head (with a status line first) or a trailer section, from
     * where the last call stopped, the reader index staying at the section's start: the index just
     * past that line, {@link #NEED_MORE} or {@link #INVALID}. A head's status line is parsed as soon
     * as it is whole, so that what is no HTTP answer is refused at once.
     */
    int sectionEnd(ByteBuf in, boolean head, ResponseHead into) {
        int base = in.readerIndex();
        int limit = Math.min(in.writerIndex(), base + ResponseDecoder.MAX_HEAD);
        while (true) {
            int lf = in.indexOf(base + scanned, limit, LF);
            if (lf < 0) {
                scanned = limit - base;
                if (scanned == ResponseDecoder.MAX_HEAD) {
                    return invalid((head ? "the head" : "the trailer section") + " is larger than "
                            + ResponseDecoder.MAX_HEAD + " bytes");
                }
                if (head && !statusLineSeen && scanned > ResponseDecoder.MAX_STATUS_LINE + 1) {
                    return statusLineTooLong();
                }
                return NEED_MORE;
            }
            int contentEnd = contentEnd(in, base + lineFrom, lf);
            int length = contentEnd - (base + lineFrom);
            scanned = lf + 1 - base;
            if (head && !statusLineSeen) {
                statusLineSeen = true;
                if (length > ResponseDecoder.MAX_STATUS_LINE) {
                    return statusLineTooLong();
                }
                problem = parseStatusLine(in, base, contentEnd, into);
                if (problem != null) {
                    return INVALID;
                }
            } else if (length == 0) {
                return lf + 1;
            }
            lineFrom = scanned;
        }
    }

    private int statusLineTooLong() {
        return invalid("the status line is longer than " + ResponseDecoder.MAX_STATUS_LINE + " bytes");
    }

    private int invalid(String what) {
        problem = what;
        return INVALID;
    }

    /** Parses the whole head {@code [from, to)} into {@code head}: whether it is valid; if not, see {@link #problem}. */
    boolean parseHead(ByteBuf in, int from, int to, ResponseHead head) {
        head.reset(in);
        contentLengths = 0;
        badContentLength = false;
        contentLength = -1;
        codings = 0;
        chunkedCodings = 0;
        int lf = in.indexOf(from, to, LF);
        problem = parseStatusLine(in, from, contentEnd(in, from, lf), head);
        int line = lf + 1;
        while (problem == null) {
            lf = in.indexOf(line, to, LF);
            int lineEnd = contentEnd(in, line, lf);
            if (lineEnd == line) {
                problem = framing(head);
                break;
            }
            problem = parseField(in, line, lineEnd);
            if (problem == null) {
                if (!head.addField(line, nameEnd, valueStart, valueEnd)) {
                    problem = "the head has more than " + ResponseHead.MAX_FIELDS + " fields";
                } else {
                    readFramingField(in, line, head);
                }
            }
            line = lf + 1;
        }
        return problem == null;
    }

    /**
     * Parses the whole trailer section {@code [from, to)}: the answer's last content, or null when it
     * is invalid (see {@link #problem}). The fields that frame a message are dropped, as a trailer
     * cannot change how the message was framed (RFC 9110 §6.5.1).
     */
    LastHttpContent parseTrailers(ByteBuf in, int from, int to) {
        LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
        int fields = 0;
        for (int line = from; ; ) {
            int lf = in.indexOf(line, to, LF);
            int lineEnd = contentEnd(in, line, lf);
            if (lineEnd == line) {
                return last;
            }
            problem = parseField(in, line, lineEnd);
            if (problem == null && ++fields > ResponseHead.MAX_FIELDS) {
                problem = "the trailer section has more than " + ResponseHead.MAX_FIELDS + " fields";
            }
            if (problem != null) {
                return null;
            }
            if (!HeadBytes.is(in, line, nameEnd, CONTENT_LENGTH) && !HeadBytes.is(in, line, nameEnd, TRANSFER_ENCODING)
                    && !HeadBytes.is(in, line, nameEnd, TRAILER)) {
                if (last == LastHttpContent.EMPTY_LAST_CONTENT) {
                    last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                }
                // Strings and a map here: trailers are rare.
                last.trailingHeaders().add(in.toString(line, nameEnd - line, CharsetUtil.ISO_8859_1),
                        in.toString(valueStart, valueEnd - valueStart, CharsetUtil.ISO_8859_1));
            }
            line = lf + 1;
        }
    }

    private static String parseStatusLine(ByteBuf in, int from, int to, ResponseHead head) {
        if (to - from < 12) {
            return "the status line is not HTTP/1.x, a space and a three-digit status code";
        }
        for (int k = 0; k < 5; k++) {
            if (in.getByte(from + k) != "HTTP/".charAt(k)) {
                return "the status line does not start with HTTP/";
            }
        }
        byte minor = in.getByte(from + 7);
        if (in.getByte(from + 5) != '1' || in.getByte(from + 6) != '.' || !HeadBytes.isDigit(minor)) {
            return "the status line's version is not HTTP/1.x";
        }
        if (in.getByte(from + 8) != ' ') {
            return "the status line's version is not followed by a space";
        }
        int code = 0;
        for (int k = 9; k < 12; k++) {
            byte digit = in.getByte(from + k);
            if (!HeadBytes.isDigit(digit)) {
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
        // A later HTTP/1.x is read as HTTP/1.1 (RFC 9110 §2.5).
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
        int start = HeadBytes.skipOws(in, colon + 1, to);
        int end = HeadBytes.trimOws(in, start, to);
        if (end > start && in.forEachByte(start, end - start, FIELD_VALUE) >= 0) {
            return "a field value holds a control character";
        }
        nameEnd = colon;
        valueStart = start;
        valueEnd = end;
        return null;
    }

    /** Reads what the field just parsed, named from {@code nameStart}, says of framing or of the connection. */
    private void readFramingField(ByteBuf in, int nameStart, ResponseHead head) {
        if (HeadBytes.is(in, nameStart, nameEnd, CONTENT_LENGTH)) {
            contentLengths++;
            contentLength = HeadBytes.digits(in, valueStart, valueEnd);
            badContentLength |= contentLength < 0;
        } else if (HeadBytes.is(in, nameStart, nameEnd, TRANSFER_ENCODING)) {
            for (int at = valueStart; ; ) {
                int comma = in.indexOf(at, valueEnd, (byte) ',');
                int elementEnd = comma < 0 ? valueEnd : comma;
                int start = HeadBytes.skipOws(in, at, elementEnd);
                codings++;
                if (HeadBytes.is(in, start, HeadBytes.trimOws(in, start, elementEnd), CHUNKED)) {
                    chunkedCodings++;
                }
                if (comma < 0) {
                    break;
                }
                at = comma + 1;
            }
        } else if (HeadBytes.is(in, nameStart, nameEnd, CONNECTION)) {
            head.connectionTokens(in, valueStart, valueEnd);
        }
    }

    /**
     * Sets the head's framing from its fields (RFC 9112 §6.3): null, or why it has none. Checked for
     * every head, those without a body too, so that no head with an unreadable framing is forwarded.
     */
    private String framing(ResponseHead head) {
        if (codings > 0) {
            // Every element counts, an empty one too: "chunked," is not read as chunked.
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

    /** Where the content of the line ending in the LF at {@code lf} ends: before its CR, if any. */
    static int contentEnd(ByteBuf in, int lineStart, int lf) {
        return lf > lineStart && in.getByte(lf - 1) == CR ? lf - 1 : lf;
    }
}
