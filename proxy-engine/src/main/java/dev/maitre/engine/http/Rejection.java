package dev.maitre.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
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

    Rejection(HttpResponseStatus status, String body) {
        this.status = status;
        this.body = status.code() + " " + status.reasonPhrase() + ": " + body + "\n";
    }

    HttpResponseStatus status() {
        return status;
    }

    String body() {
        return body;
    }

    /**
     * The answer itself: a short text body, and {@code Connection: close} unless the connection
     * {@code staysOpen} ({@code keep-alive} then for an HTTP/1.0 client, which needs it said).
     */
    FullHttpResponse response(boolean staysOpen, boolean http10) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (!staysOpen) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }
}
