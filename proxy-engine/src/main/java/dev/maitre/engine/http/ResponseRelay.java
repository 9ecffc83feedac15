package dev.maitre.engine.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A backend's answer on its way to the client: interim answers passed on (not to HTTP/1.0 clients),
 * the final head framed for the client by {@link ResponseFraming}, the body streamed, trailers kept
 * when the client side is chunked. Decides nothing about the backend connection beyond what the
 * answer's framing says.
 */
final class ResponseRelay {

    /** What a response head from the backend turned out to be. */
    enum Head {
        /**
         * Not an answer maitre can pass on: a switch of protocols, another HTTP version, a status
         * without a class, a reason phrase with control characters.
         */
        INVALID,
        /** A 1xx answer; the final one is still to come. */
        INTERIM,
        /** The final answer's head, now written to the client. */
        FINAL
    }

    private final ClientSide client;
    private final boolean headRequest;
    private final boolean http10Client;

    private boolean interim;
    private boolean started;
    private boolean chunkedToClient;
    private boolean clientKeepAlive;
    private boolean backendReusable;
    private int status;
    private long bodyBytes;

    ResponseRelay(ClientSide client, boolean headRequest, boolean http10Client) {
        this.client = client;
        this.headRequest = headRequest;
        this.http10Client = http10Client;
    }

    /**
     * Relays a response head.
     *
     * @param keepAliveWanted whether the client connection could stay open as far as the request and
     *     the proxy are concerned
     */
    Head onHead(HttpResponse response, boolean keepAliveWanted) {
        int code = response.status().code();
        if (code < 100 || code == 101 || response.protocolVersion().majorVersion() != 1
                || !ResponseFraming.isValidReasonPhrase(response.status().reasonPhrase())
                || !ResponseFraming.hasCleanFieldValues(response.headers())) {
            // maitre never forwards Upgrade, so a switch of protocols is not a valid answer. A status
            // below 100 has no class (RFC 9110 §15): a client could take it for a final answer. A
            // control character in the reason phrase could end the status line early for a client.
            return Head.INVALID;
        }
        if (code < 200) {
            interim = true;
            if (!http10Client) {
                HopByHopHeaders.strip(response.headers());
                client.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                        Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE));
            }
            return Head.INTERIM;
        }
        interim = false;
        started = true;
        status = code;
        int framing = ResponseFraming.frame(response, headRequest, http10Client, keepAliveWanted);
        chunkedToClient = (framing & ResponseFraming.CHUNKED_TO_CLIENT) != 0;
        clientKeepAlive = (framing & ResponseFraming.CLIENT_KEEP_ALIVE) != 0;
        backendReusable = (framing & ResponseFraming.BACKEND_REUSABLE) != 0;
        client.write(response);
        return Head.FINAL;
    }

    /** What a piece of a body from the backend was. */
    enum Part {
        /** Relayed, or dropped as part of no final answer; more follows. */
        MORE,
        /** The final answer's last part, relayed. */
        LAST,
        /** The last part, with trailers a client would read otherwise than maitre: not relayed. */
        INVALID
    }

    /** Relays a piece of a body. Takes {@code content}. */
    Part onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (interim || !started) {
            // An interim answer's (empty) end, or a piece of no answer at all.
            content.release();
            if (last) {
                interim = false;
            }
            return Part.MORE;
        }
        bodyBytes += content.content().readableBytes();
        if (!last) {
            client.write(content);
            return Part.MORE;
        }
        LastHttpContent end = (LastHttpContent) content;
        if (!ResponseFraming.hasCleanFieldValues(end.trailingHeaders())) {
            end.release();
            return Part.INVALID;
        }
        if (chunkedToClient || end.trailingHeaders().isEmpty()) {
            client.write(end);
        } else {
            // Trailers cannot be carried without chunked framing; the body still is.
            if (end.content().isReadable()) {
                client.write(new DefaultHttpContent(end.content().retain()));
            }
            end.release();
            client.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        return Part.LAST;
    }

    /** The final answer's status; 0 before its head. */
    int status() {
        return status;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    /** Whether the client connection stays open after this answer. */
    boolean clientKeepAlive() {
        return clientKeepAlive;
    }

    /** Whether the answer's framing lets the backend connection serve another request. */
    boolean backendReusable() {
        return backendReusable;
    }
}
