package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.CharsetUtil;
import java.util.List;

/**
 * Reads a client's chunked request body (RFC 9112 §7.1) as strictly as the proxy's request decoding
 * always did: every line ends in CRLF; a chunk size is hexadecimal within an int, followed only by
 * whitespace before {@code ;} and well-formed extensions (tokens or quoted strings, no byte above
 * 0x7e); chunk data is followed by CRLF; a chunk-size line is no longer than the request line may
 * be, and the trailer section fits in what the head left of the header limit. Trailer fields are
 * validated as head fields are, an obsolete line folding in them joined with a space as it always
 * was; Content-Length, Transfer-Encoding and Trailer are not kept as trailers (RFC 9110 §6.5).
 *
 * <p>The body comes out as slices of the bytes received, at most 64 KiB each, then one
 * {@code LastHttpContent} with the trailers; a violation ends it with a {@code LastHttpContent}
 * whose decoder result is the failure.
 */
public final class RequestChunks {

    /** What {@link #read} did. */
    public enum Step { NEED_MORE, ENDED, FAILED }

    private enum State { SIZE, DATA, DELIMITER, TRAILERS }

    /** The largest piece of body delivered at once, as the proxy always delivered them. */
    public static final int MAX_PIECE = 64 * 1024;

    private final int maxLine;
    private final int maxHeaderBytes;
    private State state;
    private long remaining;
    /** How far past the reader index the current line's end was looked for. */
    private int scanned;
    /** Bytes of field lines so far, the head's included, against the header limit. */
    private int fieldBytes;
    private LastHttpContent last;
    /** The trailer field read last, kept until the next line shows whether it is folded. */
    private String name;
    private String value;

    public RequestChunks(int maxLine, int maxHeaderBytes) {
        this.maxLine = maxLine;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** A new body begins, after a head whose field lines took {@code headFieldBytes}. */
    public void start(int headFieldBytes) {
        state = State.SIZE;
        scanned = 0;
        fieldBytes = headFieldBytes;
        last = null;
        name = null;
        value = null;
    }

    /** Reads what {@code in} holds of the body, adding its pieces to {@code out}. */
    public Step read(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case SIZE -> {
                    int lineEnd = lineEnd(in, maxLine);
                    if (lineEnd < 0) {
                        return lineEnd == -1 ? Step.NEED_MORE : fail(in, out, "a chunk-size line is too long or not ended by CRLF");
                    }
                    long size = chunkSize(in, in.readerIndex(), lineEnd);
                    if (size < 0) {
                        return fail(in, out, "an invalid chunk-size line");
                    }
                    in.readerIndex(lineEnd + 2);
                    remaining = size;
                    state = size == 0 ? State.TRAILERS : State.DATA;
                }
                case DATA -> {
                    int length = (int) Math.min(Math.min(remaining, in.readableBytes()), MAX_PIECE);
                    out.add(new DefaultHttpContent(in.readRetainedSlice(length)));
                    remaining -= length;
                    if (remaining == 0) {
                        state = State.DELIMITER;
                    }
                }
                case DELIMITER -> {
                    if (in.readableBytes() < 2) {
                        return Step.NEED_MORE;
                    }
                    if (in.getByte(in.readerIndex()) != HeadParser.CR || in.getByte(in.readerIndex() + 1) != HeadParser.LF) {
                        return fail(in, out, "chunk data not followed by CRLF");
                    }
                    in.skipBytes(2);
                    state = State.SIZE;
                }
                case TRAILERS -> {
                    Step step = readTrailers(in, out);
                    if (step != null) {
                        return step;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return Step.NEED_MORE;
    }

    private Step readTrailers(ByteBuf in, List<Object> out) {
        while (true) {
            int lineEnd = lineEnd(in, maxHeaderBytes - fieldBytes);
            if (lineEnd < 0) {
                return lineEnd == -1 ? Step.NEED_MORE : fail(in, out, "a trailer section too large or a line not ended by CRLF");
            }
            int from = in.readerIndex();
            fieldBytes += lineEnd - from;
            in.readerIndex(lineEnd + 2);
            if (lineEnd == from) {
                if (!addTrailer()) {
                    return fail(in, out, "an invalid trailer field");
                }
                out.add(last != null ? last : LastHttpContent.EMPTY_LAST_CONTENT);
                last = null;
                return Step.ENDED;
            }
            byte first = in.getByte(from);
            if (name != null && HeadBytes.isOws(first)) {
                value = value + ' ' + in.toString(from, lineEnd - from, CharsetUtil.ISO_8859_1).trim();
                continue;
            }
            if (!addTrailer()) {
                return fail(in, out, "an invalid trailer field");
            }
            int colon = in.indexOf(from, lineEnd, (byte) ':');
            if (colon < 0) {
                return fail(in, out, "a trailer line without a colon");
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && isLatinWhitespace(in.getByte(valueStart))) {
                if (!HeadBytes.isOws(in.getByte(valueStart))) {
                    return fail(in, out, "a trailer value after other whitespace than SP or HTAB");
                }
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && isLatinWhitespace(in.getByte(valueEnd - 1))) {
                valueEnd--;
            }
            // Strings here: trailers are rare.
            name = in.toString(from, colon - from, CharsetUtil.ISO_8859_1);
            value = in.toString(valueStart, valueEnd - valueStart, CharsetUtil.ISO_8859_1);
        }
    }

    /** Adds the trailer field read last, if any and if it may be a trailer; false when it is invalid. */
    private boolean addTrailer() {
        if (name == null) {
            return true;
        }
        String n = name;
        String v = value;
        name = null;
        value = null;
        if (!isToken(n) || !isFieldValue(v)) {
            return false;
        }
        if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(n) || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(n)
                || HttpHeaderNames.TRAILER.contentEqualsIgnoreCase(n)) {
            return true;
        }
        if (last == null) {
            last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        }
        last.trailingHeaders().add(n, v);
        return true;
    }

    /**
     * The index of the CR of the current line's CRLF; -1 when its end has not arrived and it is not
     * over {@code max} bytes yet; -2 when it is, or when its LF has no CR before it.
     */
    private int lineEnd(ByteBuf in, int max) {
        int from = in.readerIndex();
        int limit = (int) Math.min(in.writerIndex(), from + (long) max + 2);
        int lf = from + scanned >= limit ? -1 : in.indexOf(from + scanned, limit, HeadParser.LF);
        if (lf < 0) {
            scanned = limit - from;
            return in.readableBytes() > max ? -2 : -1;
        }
        scanned = 0;
        if (lf == from || in.getByte(lf - 1) != HeadParser.CR || lf - 1 - from > max) {
            return -2;
        }
        return lf - 1;
    }

    /** The chunk size a line gives, its extensions checked; -1 when the line is invalid. */
    private static long chunkSize(ByteBuf in, int from, int to) {
        if (in.indexOf(from, to, (byte) ';') >= 0 && !ChunkExtensions.valid(in, from, to)) {
            return -1;
        }
        long size = 0;
        for (int i = from; i < to; i++) {
            int digit = HeadBytes.hexValue(in.getByte(i));
            if (digit < 0) {
                int j = i;
                while (j < to && HeadBytes.isOws(in.getByte(j))) {
                    j++;
                }
                return j < to && in.getByte(j) == ';' && i > from ? size : -1;
            }
            size = size * 16 + digit;
            if (size > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return to > from ? size : -1;
    }

    private Step fail(ByteBuf in, List<Object> out, String problem) {
        in.skipBytes(in.readableBytes());
        if (last != null) {
            last.release();
            last = null;
        }
        LastHttpContent failure = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        failure.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
        out.add(failure);
        return Step.FAILED;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !Ascii.isTchar((byte) c)) {
                return false;
            }
        }
        return true;
    }

    /** What a validated field value may be: empty, or a visible first byte and no control but HTAB after it. */
    private static boolean isFieldValue(String s) {
        if (s.isEmpty()) {
            return true;
        }
        char first = s.charAt(0);
        if (first < 0x21 || first == 0x7f) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Ascii.isFieldValueByte((byte) s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLatinWhitespace(byte b) {
        return b == ' ' || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f);
    }
}
