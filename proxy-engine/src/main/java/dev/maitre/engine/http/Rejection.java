package dev.maitre.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** The answers maitre gives itself, each with its status and the short text sent as the body. */
enum Rejection {
    MALFORMED(HttpResponseStatus.BAD_REQUEST, "malformed request"),
    BAD_HOST(HttpResponseStatus.BAD_REQUEST, "missing, repeated or invalid Host header"),
    AMBIGUOUS_PATH(HttpResponseStatus.BAD_REQUEST, "path with a dot segment hidden by ';' or an encoded slash"),
    BAD_FRAMING(HttpResponseStatus.BAD_REQUEST, "invalid message framing (Content-Length/Transfer-Encoding)"),
    INCOMPLETE_BODY(HttpResponseStatus.BAD_REQUEST, "request body incomplete or malformed"),
    REQUEST_HEADER_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request header not received in time"),
    CLIENT_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request body not received in time"),
    NO_ROUTE(HttpResponseStatus.NOT_FOUND, "no route for this host and path"),
    BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long"),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large"),
    UNSUPPORTED_TRANSFER_CODING(HttpResponseStatus.NOT_IMPLEMENTED, "unsupported transfer coding"),
    UNSUPPORTED_METHOD(HttpResponseStatus.NOT_IMPLEMENTED, "method not supported by this proxy"),
    UNSUPPORTED_VERSION(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported"),
    BACKEND_FAILED(HttpResponseStatus.BAD_GATEWAY, "backend failed"),
    NO_BACKEND(HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend available"),
    BACKEND_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "backend did not answer in time");

    private final HttpResponseStatus status;
    private final String body;
    /** The answer as bytes: with close, keep-alive (HTTP/1.0) or nothing said; each with its body or without (HEAD). */
    private final byte[][] encodings;
    private final byte[] bodyBytes;

    Rejection(HttpResponseStatus status, String body) {
        this.status = status;
        this.body = status.code() + " " + status.reasonPhrase() + ": " + body + "\n";
        this.encodings = encodings(status, this.body);
        this.bodyBytes = this.body.getBytes(StandardCharsets.US_ASCII);
    }

    HttpResponseStatus status() {
        return status;
    }

    String body() {
        return body;
    }

    /** The length of the body, as the access log counts it. */
    int bodyLength() {
        return bodyBytes.length;
    }

    /** The body alone, for a protocol that frames it itself (HTTP/2). */
    ByteBuf bodyBytes() {
        return Unpooled.wrappedBuffer(bodyBytes);
    }

    /**
     * The answer itself: a short text body (none to a HEAD request), and {@code Connection: close}
     * unless the connection {@code staysOpen} ({@code keep-alive} then for an HTTP/1.0 client, which
     * needs it said).
     */
    ByteBuf encoded(boolean staysOpen, boolean http10, boolean headRequest) {
        int connection = !staysOpen ? 0 : http10 ? 1 : 2;
        return Unpooled.wrappedBuffer(encodings[connection * 2 + (headRequest ? 1 : 0)]);
    }

    private static byte[][] encodings(HttpResponseStatus status, String body) {
        String[] connection = {"connection: close\r\n", "connection: keep-alive\r\n", ""};
        byte[][] encodings = new byte[6][];
        for (int c = 0; c < 3; c++) {
            String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                    + "content-type: text/plain; charset=utf-8\r\n"
                    + "content-length: " + body.length() + "\r\n" + connection[c] + "\r\n";
            encodings[2 * c] = (head + body).getBytes(StandardCharsets.US_ASCII);
            encodings[2 * c + 1] = head.getBytes(StandardCharsets.US_ASCII);
        }
        return encodings;
    }
}
