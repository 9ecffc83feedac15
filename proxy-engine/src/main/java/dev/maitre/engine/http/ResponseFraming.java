package dev.maitre.engine.http;

import dev.maitre.engine.http1.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;

/**
 * A backend's response head framed for an HTTP/1.1 client connection: how the body goes to the
 * client (as it came, chunked, or until the connection closes), whether the client connection stays
 * open, and the head itself, written by copying the backend's bytes minus the hop-by-hop fields and
 * plus what the framing needs. A body without {@code Content-Length} goes chunked to an HTTP/1.1
 * client and close-delimited to an HTTP/1.0 one; HEAD, 204 and 304 answers have no body.
 */
final class ResponseFraming {

    /** The body goes to the client chunked (trailers can follow). */
    static final int CHUNKED_TO_CLIENT = 1;
    /** The client connection stays open after this response. */
    static final int CLIENT_KEEP_ALIVE = 2;

    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] CHUNKED = ascii("transfer-encoding: chunked\r\n");
    private static final byte[] CLOSE = ascii("connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("connection: keep-alive\r\n");
    private static final byte[] CONNECTION_UPGRADE = ascii("connection: upgrade\r\n");
    /** Room for what {@link #encode} may add to the copied head. */
    private static final int ADDED = CHUNKED.length + KEEP_ALIVE.length + 2;

    private ResponseFraming() {
    }

    /**
     * How a final answer goes to the client.
     *
     * @param keepAliveWanted whether the client connection could stay open as far as the request
     *     and the proxy are concerned
     */
    static int frame(ResponseHead head, boolean headRequest, boolean http10Client, boolean keepAliveWanted) {
        int code = head.status();
        boolean bodyless = headRequest || code == 204 || code == 304;
        if (bodyless || head.contentLength() >= 0) {
            return keepAliveWanted ? CLIENT_KEEP_ALIVE : 0;
        }
        if (http10Client) {
            // No chunked coding for HTTP/1.0: the end of the connection ends the body.
            return 0;
        }
        return CHUNKED_TO_CLIENT | (keepAliveWanted ? CLIENT_KEEP_ALIVE : 0);
    }

    /** The final answer's head for the client, as {@link #frame} decided. */
    static ByteBuf encode(ResponseHead head, int framing, boolean headRequest, boolean http10Client,
                          ByteBufAllocator alloc) {
        int code = head.status();
        ByteBuf out = alloc.buffer(head.copiedSize() + HTTP_1_1.length + ADDED);
        out.writeBytes(HTTP_1_1);
        head.copyStatus(out);
        out.writeShort(CRLF);
        boolean connectionNames = HopByHopHeaders.namesOthers(head);
        for (int i = 0; i < head.fieldCount(); i++) {
            if (HopByHopHeaders.isHopByHop(head, i, connectionNames)
                    || (head.nameIs(i, HttpHeaderNames.CONTENT_LENGTH) && (code == 204 || head.chunked()))) {
                continue;
            }
            head.copyField(i, out);
        }
        boolean keepAlive = (framing & CLIENT_KEEP_ALIVE) != 0;
        if ((framing & CHUNKED_TO_CLIENT) != 0 || (headRequest && code != 204 && head.chunked() && !http10Client)) {
            // To a HEAD request: the framing a GET would have had.
            out.writeBytes(CHUNKED);
        }
        if (!keepAlive) {
            out.writeBytes(CLOSE);
        } else if (http10Client) {
            out.writeBytes(KEEP_ALIVE);
        }
        out.writeShort(CRLF);
        return out;
    }

    /** An interim (1xx) answer's head for the client: the backend's minus the hop-by-hop fields. */
    static ByteBuf encodeInterim(ResponseHead head, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(head.copiedSize() + HTTP_1_1.length + 2);
        out.writeBytes(HTTP_1_1);
        head.copyStatus(out);
        out.writeShort(CRLF);
        boolean connectionNames = HopByHopHeaders.namesOthers(head);
        for (int i = 0; i < head.fieldCount(); i++) {
            if (!HopByHopHeaders.isHopByHop(head, i, connectionNames)) {
                head.copyField(i, out);
            }
        }
        out.writeShort(CRLF);
        return out;
    }

    /**
     * A {@code 101} answer's head for the client: the backend's minus the hop-by-hop fields, except
     * its {@code Upgrade} fields, which name the protocol switched to, and {@code Connection: upgrade}.
     */
    static ByteBuf encodeSwitch(ResponseHead head, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(head.copiedSize() + HTTP_1_1.length + CONNECTION_UPGRADE.length + 2);
        out.writeBytes(HTTP_1_1);
        head.copyStatus(out);
        out.writeShort(CRLF);
        boolean connectionNames = HopByHopHeaders.namesOthers(head);
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, HttpHeaderNames.UPGRADE) || !HopByHopHeaders.isHopByHop(head, i, connectionNames)) {
                head.copyField(i, out);
            }
        }
        out.writeBytes(CONNECTION_UPGRADE);
        out.writeShort(CRLF);
        return out;
    }

    static final int CRLF = ('\r' << 8) | '\n';

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
