package dev.maitre.engine.http1;

import io.netty.buffer.ByteBuf;

/**
 * What the fields of a request head say of its body's framing, gathered as {@link RequestHeadParser}
 * adds them, and the verdict on it (RFC 9112 §6): one Content-Length of digits, or Transfer-Encoding
 * with a single, final {@code chunked} in HTTP/1.1 and no Content-Length beside it; any other coding
 * is not implemented. A GET with both key fields of the old WebSocket draft is refused too: Netty-based
 * servers read 8 bytes of body after it that no header announces.
 */
final class RequestFraming {

    private static final byte[] CHUNKED = HeadBytes.bytes("chunked");
    private static final byte[] GET = HeadBytes.bytes("GET");

    private int contentLengths;
    private int contentLengthField;
    private int transferEncodings;
    private int codings;
    private int chunkedCodings;
    private boolean chunkedLast;
    private boolean unknownCoding;
    /** Which of the old WebSocket draft's key fields were seen: bit 1 the first, bit 2 the second. */
    private int webSocketKeys;

    void reset() {
        contentLengths = 0;
        contentLengthField = -1;
        transferEncodings = 0;
        codings = 0;
        chunkedCodings = 0;
        chunkedLast = false;
        unknownCoding = false;
        webSocketKeys = 0;
    }

    boolean hasContentLength() {
        return contentLengths > 0;
    }

    /** Field {@code index} is a Content-Length. */
    void contentLength(int index) {
        contentLengths++;
        contentLengthField = index;
    }

    /** A Transfer-Encoding field with the codings in {@code [from, to)} of {@code in}. */
    void transferEncoding(ByteBuf in, int from, int to) {
        transferEncodings++;
        for (int at = from; ; ) {
            int comma = in.indexOf(at, to, (byte) ',');
            int elementEnd = comma < 0 ? to : comma;
            int start = HeadBytes.skipOws(in, at, elementEnd);
            int end = HeadBytes.trimOws(in, start, elementEnd);
            if (end > start) {
                codings++;
                chunkedLast = HeadBytes.is(in, start, end, CHUNKED);
                if (chunkedLast) {
                    chunkedCodings++;
                } else {
                    unknownCoding = true;
                }
            }
            if (comma < 0) {
                return;
            }
            at = comma + 1;
        }
    }

    /** The old WebSocket draft's key field {@code n} (1 or 2). */
    void webSocketKey(int n) {
        webSocketKeys |= n;
    }

    /**
     * The answer to a head refused after its request line, from the fields added before the refusal:
     * the version first, then framing if the fields touched it, else malformed.
     */
    RequestVerdict failure(int major, int minor, boolean repeatedContentLength, ByteBuf in, RequestHead head) {
        if (major != 1) {
            return RequestVerdict.UNSUPPORTED_VERSION;
        }
        if (transferEncodings > 0) {
            RequestVerdict te = transferEncoding(minor);
            return te != null ? te : RequestVerdict.BAD_FRAMING;
        }
        if (repeatedContentLength || (contentLengths == 1 && !contentLengthValid(in, head))) {
            return RequestVerdict.BAD_FRAMING;
        }
        return RequestVerdict.MALFORMED;
    }

    /**
     * Judges a whole head, recording its framing in it when valid: first what Netty's decoder refused
     * after the last field (a Content-Length that is no number, Transfer-Encoding in HTTP/1.0 or
     * without a final, single chunked, or beside Content-Length), answered as {@link #failure}; then
     * the version, the method ({@code connect}: CONNECT, not proxied) and the framing as the proxy's
     * request validation did.
     */
    RequestVerdict judge(int major, int minor, boolean connect, ByteBuf in, RequestHead head) {
        long length = -1;
        if (contentLengths == 1) {
            length = HeadBytes.digits(in, head.valueStart(contentLengthField), head.valueEnd(contentLengthField));
            if (length < 0) {
                return failure(major, minor, false, in, head);
            }
        }
        if (transferEncodings > 0 && (major != 1 || minor == 0 || chunkedCodings != 1 || !chunkedLast
                || contentLengths > 0)) {
            return failure(major, minor, false, in, head);
        }
        if (major != 1) {
            return RequestVerdict.UNSUPPORTED_VERSION;
        }
        if (connect) {
            return RequestVerdict.UNSUPPORTED_METHOD;
        }
        if (transferEncodings > 0) {
            RequestVerdict te = transferEncoding(minor);
            if (te != null) {
                return te;
            }
        } else if (contentLengths == 1 && !contentLengthValid(in, head)) {
            return RequestVerdict.BAD_FRAMING;
        }
        if (webSocketKeys == 3 && HeadBytes.isExactly(in, head.methodStart(), head.methodEnd(), GET)) {
            return RequestVerdict.BAD_FRAMING;
        }
        head.framing(transferEncodings > 0 ? -1 : length, transferEncodings > 0);
        return RequestVerdict.COMPLETE;
    }

    /** Transfer-Encoding's verdict, or null when it frames the body (RFC 9112 §6.1, §6.3). */
    private RequestVerdict transferEncoding(int minor) {
        if (minor == 0 || codings == 0 || chunkedCodings > 1 || (chunkedCodings == 1 && !chunkedLast)) {
            return RequestVerdict.BAD_FRAMING;
        }
        if (unknownCoding) {
            return RequestVerdict.UNSUPPORTED_TRANSFER_CODING;
        }
        return contentLengths > 0 ? RequestVerdict.BAD_FRAMING : null;
    }

    /** The one Content-Length is at most 18 digits: what the proxy's validation allowed. */
    private boolean contentLengthValid(ByteBuf in, RequestHead head) {
        int from = head.valueStart(contentLengthField);
        int to = head.valueEnd(contentLengthField);
        return to - from <= 18 && HeadBytes.digits(in, from, to) >= 0;
    }
}
