package dev.maitre.engine.http;

import io.netty.handler.codec.http.HttpResponseStatus;

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
}
