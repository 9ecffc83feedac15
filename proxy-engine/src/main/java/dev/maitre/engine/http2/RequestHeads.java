package dev.maitre.engine.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A client's HTTP/2 request, checked as RFC 9113 §8 requires and written as the HTTP/1.1 request
 * head the exchange core reads: {@code method SP path SP HTTP/1.1}, {@code host} from
 * {@code :authority}, each field as it came, the {@code cookie} fields joined into one (§8.2.3), and
 * {@code transfer-encoding: chunked} for a body of unannounced length, which is what tells the core
 * that a body follows and how to frame it for an HTTP/1.1 backend.
 *
 * <p>A header list the RFC calls malformed is a stream error {@code PROTOCOL_ERROR}, never a repair:
 * a missing or repeated pseudo-header, a response pseudo-header, an empty {@code :path}, an uppercase
 * or non-token name, a connection-specific field ({@code connection}, {@code keep-alive},
 * {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}, a {@code te} other than
 * {@code trailers}), a value with NUL, CR or LF or with white space at either end, a {@code host}
 * that names another authority than {@code :authority}, a {@code content-length} on a stream that
 * ends with its headers. Values are checked here because the head is written as text: a CR LF in a
 * value would otherwise become a field of its own on the backend's side.
 */
public final class RequestHeads {

    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COOKIE = "cookie: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';

    private static final AsciiString CONNECT = AsciiString.cached("CONNECT");
    private static final AsciiString OPTIONS = AsciiString.cached("OPTIONS");
    private static final AsciiString COOKIE_NAME = AsciiString.cached("cookie");
    private static final AsciiString HOST_NAME = AsciiString.cached("host");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final AsciiString[] CONNECTION_SPECIFIC = {
        AsciiString.cached("connection"), AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"),
        AsciiString.cached("transfer-encoding"), AsciiString.cached("upgrade")
    };

    private RequestHeads() {
    }

    /**
     * The HTTP/1.1 head of the request {@code headers} open on stream {@code streamId}; {@code endStream}:
     * the stream ends with them (no body).
     *
     * @throws Http2Exception a stream error {@code PROTOCOL_ERROR} when the header list is malformed
     */
    public static ByteBuf write(int streamId, Http2Headers headers, boolean endStream, ByteBufAllocator alloc)
            throws Http2Exception {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        CharSequence authority = headers.authority();
        if (method == null || headers.getAll(Http2Headers.PseudoHeaderName.METHOD.value()).size() != 1) {
            throw malformed(streamId, "one :method");
        }
        boolean connect = AsciiString.contentEquals(CONNECT, method);
        if (headers.status() != null) {
            throw malformed(streamId, ":status in a request");
        }
        if (!connect) {
            // RFC 9113 §8.3.1: every request but CONNECT has exactly one :scheme and one non-empty :path.
            if (headers.scheme() == null || headers.getAll(Http2Headers.PseudoHeaderName.SCHEME.value()).size() != 1) {
                throw malformed(streamId, "one :scheme");
            }
            if (path == null || path.length() == 0 || headers.getAll(Http2Headers.PseudoHeaderName.PATH.value()).size() != 1) {
                throw malformed(streamId, "one non-empty :path");
            }
            if (path.charAt(0) != '/' && !(path.length() == 1 && path.charAt(0) == '*'
                    && AsciiString.contentEquals(OPTIONS, method))) {
                throw malformed(streamId, ":path in origin form (or * for OPTIONS)");
            }
        }
        if (authority != null && headers.getAll(Http2Headers.PseudoHeaderName.AUTHORITY.value()).size() != 1) {
            throw malformed(streamId, "one :authority");
        }
        ByteBuf out = alloc.buffer(size(headers));
        try {
            writeAscii(out, method, streamId);
            out.writeByte(' ');
            writeAscii(out, connect ? (authority == null ? "" : authority) : path, streamId);
            out.writeBytes(VERSION);
            if (authority != null) {
                out.writeBytes(HOST);
                writeValue(out, authority, streamId);
                out.writeShort(CRLF);
            }
            boolean cookies = false;
            boolean contentLength = false;
            for (Map.Entry<CharSequence, CharSequence> field : headers) {
                CharSequence name = field.getKey();
                if (name.length() > 0 && name.charAt(0) == ':') {
                    continue;
                }
                CharSequence value = field.getValue();
                checkName(name, streamId);
                checkRequestField(name, value, streamId);
                if (AsciiString.contentEquals(COOKIE_NAME, name)) {
                    cookies = true;
                    continue;
                }
                if (AsciiString.contentEquals(HOST_NAME, name)) {
                    if (authority != null) {
                        if (!AsciiString.contentEqualsIgnoreCase(authority, value)) {
                            throw malformed(streamId, "host naming another authority than :authority");
                        }
                        continue;
                    }
                } else if (AsciiString.contentEquals(CONTENT_LENGTH, name)) {
                    contentLength = true;
                    if (endStream && !isZero(value)) {
                        throw malformed(streamId, "content-length on a stream without body");
                    }
                }
                writeAscii(out, name, streamId);
                out.writeByte(':').writeByte(' ');
                writeValue(out, value, streamId);
                out.writeShort(CRLF);
            }
            if (cookies) {
                writeCookies(out, headers, streamId);
            }
            if (!endStream && !contentLength) {
                out.writeBytes(CHUNKED);
            }
            out.writeShort(CRLF);
            return out;
        } catch (Http2Exception | RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * The trailers {@code headers} that end stream {@code streamId}, as the core carries them; they
     * must end the stream ({@code endStream}), carry no pseudo-header and pass the same checks as a
     * request's fields.
     *
     * @throws Http2Exception a stream error {@code PROTOCOL_ERROR} when they are malformed
     */
    public static HttpHeaders trailers(int streamId, Http2Headers headers, boolean endStream) throws Http2Exception {
        if (!endStream) {
            throw malformed(streamId, "a second header block that does not end the stream");
        }
        HttpHeaders trailers = new DefaultHttpHeaders(false);
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            CharSequence name = field.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                throw malformed(streamId, "pseudo-header in trailers");
            }
            checkName(name, streamId);
            checkRequestField(name, field.getValue(), streamId);
            checkValue(field.getValue(), streamId);
            trailers.add(name, field.getValue());
        }
        return trailers;
    }

    private static void writeCookies(ByteBuf out, Http2Headers headers, int streamId) throws Http2Exception {
        out.writeBytes(COOKIE);
        boolean first = true;
        for (CharSequence cookie : headers.getAll(COOKIE_NAME)) {
            if (!first) {
                out.writeByte(';').writeByte(' ');
            }
            writeValue(out, cookie, streamId);
            first = false;
        }
        out.writeShort(CRLF);
    }

    /** Room for the head: every name and value, and what goes around them. */
    private static int size(Http2Headers headers) {
        int size = VERSION.length + CHUNKED.length + 16;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            size += field.getKey().length() + field.getValue().length() + 4;
        }
        return size;
    }

    private static void checkName(CharSequence name, int streamId) throws Http2Exception {
        if (name.length() == 0) {
            throw malformed(streamId, "an empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLowerCaseTchar(c)) {
                throw malformed(streamId, "a field name with an uppercase or non-token character");
            }
        }
    }

    private static void checkRequestField(CharSequence name, CharSequence value, int streamId) throws Http2Exception {
        for (AsciiString connectionSpecific : CONNECTION_SPECIFIC) {
            if (AsciiString.contentEquals(connectionSpecific, name)) {
                throw malformed(streamId, "connection-specific field " + name);
            }
        }
        if (AsciiString.contentEquals(TE, name) && !AsciiString.contentEqualsIgnoreCase(TRAILERS, value)) {
            throw malformed(streamId, "te other than trailers");
        }
    }

    /** RFC 9113 §8.2.1: no NUL, CR or LF anywhere, no white space at either end. */
    private static void checkValue(CharSequence value, int streamId) throws Http2Exception {
        int length = value.length();
        if (length > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(length - 1)))) {
            throw malformed(streamId, "a field value with white space at an end");
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n' || c > 0xff) {
                throw malformed(streamId, "a field value with NUL, CR or LF");
            }
        }
    }

    private static void writeValue(ByteBuf out, CharSequence value, int streamId) throws Http2Exception {
        checkValue(value, streamId);
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    }

    /** Pseudo-header values and names: bytes below 0x80 without CR, LF or SP breaking the line. */
    private static void writeAscii(ByteBuf out, CharSequence text, int streamId) throws Http2Exception {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw malformed(streamId, "a control character, space or non-ASCII byte in the request line");
            }
        }
        out.writeCharSequence(text, StandardCharsets.US_ASCII);
    }

    private static boolean isZero(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return value.length() > 0;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isLowerCaseTchar(char c) {
        if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    private static Http2Exception malformed(int streamId, String what) {
        return Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "malformed request: %s", what);
    }
}
