package dev.maitre.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;

/**
 * A WebSocket upgrade answered with something other than {@code 101 Switching Protocols}: the
 * answer's status, headers and body, as the client received them.
 */
public final class WebSocketHandshakeRefused extends IOException {

    private final int status;
    private final transient HttpHeaders headers;
    private final String body;

    WebSocketHandshakeRefused(int status, HttpHeaders headers, String body) {
        super("the WebSocket handshake was answered with " + status + " instead of 101: " + body.strip());
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public String body() {
        return body;
    }
}
