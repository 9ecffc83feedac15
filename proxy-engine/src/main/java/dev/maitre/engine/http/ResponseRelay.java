package dev.maitre.engine.http;

import dev.maitre.api.health.Outcome;
import dev.maitre.engine.http1.ResponseHead;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * A backend's answer on its way to the client: interim answers passed on, the final head and its
 * body streamed, trailers kept. Decides nothing about the backend connection beyond what the
 * answer's framing says, and nothing about the client's framing, which is the {@link ClientSide}'s.
 */
final class ResponseRelay {

    /** What a response head from the backend turned out to be. */
    enum Head {
        /** Not an answer maitre can pass on: a switch of protocols. */
        INVALID,
        /** A 1xx answer; the final one is still to come. */
        INTERIM,
        /** The final answer's head, now written to the client. */
        FINAL
    }

    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");

    private ClientSide client;
    private boolean headRequest;
    private boolean grpc;
    private int grpcStatus;

    private boolean interim;
    private boolean started;
    private boolean clientKeepAlive;
    private boolean backendReusable;
    private int status;
    private long bodyBytes;

    ResponseRelay(ClientSide client, boolean headRequest) {
        begin(client, headRequest);
    }

    /** For the answer to another request of {@code client} (null: the exchange is kept for another). */
    void begin(ClientSide client, boolean headRequest) {
        this.client = client;
        this.headRequest = headRequest;
        this.grpc = client != null && client.grpc();
        this.grpcStatus = Outcome.NO_GRPC_STATUS;
        interim = false;
        started = false;
        clientKeepAlive = false;
        backendReusable = false;
        status = 0;
        bodyBytes = 0;
    }

    /**
     * Relays a response head. What the decoder lets through is well-formed HTTP/1.x with a status
     * of 100 or more, its fields validated.
     *
     * @param keepAliveWanted whether the client connection could stay open as far as the request and
     *     the proxy are concerned
     */
    Head onHead(ResponseHead head, boolean keepAliveWanted) {
        int code = head.status();
        if (code == 101) {
            // maitre never forwards Upgrade, so a switch of protocols is not a valid answer.
            return Head.INVALID;
        }
        if (head.isInformational()) {
            interim = true;
            client.writeInterim(head);
            return Head.INTERIM;
        }
        interim = false;
        started = true;
        status = code;
        backendReusable = backendReusable(head, headRequest);
        if (grpc) {
            // A call answered with its status alone ("Trailers-Only") carries it in the head.
            for (int i = 0; i < head.fieldCount(); i++) {
                if (head.nameIs(i, GRPC_STATUS)) {
                    grpcStatus = parseStatus(head.value(i));
                }
            }
        }
        clientKeepAlive = client.writeHead(head, keepAliveWanted);
        return Head.FINAL;
    }

    /**
     * Whether a final answer lets its backend connection serve another request: the backend keeps
     * it alive, and the answer ends by itself (a body that runs until the connection closes leaves
     * nothing to reuse).
     */
    static boolean backendReusable(ResponseHead head, boolean headRequest) {
        int code = head.status();
        boolean bodyless = headRequest || code == 204 || code == 304;
        return head.keepAlive() && (bodyless || head.chunked() || head.contentLength() >= 0);
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
            client.writeBody(content.content());
            return Part.MORE;
        }
        LastHttpContent end = (LastHttpContent) content;
        if (!hasCleanFieldValues(end.trailingHeaders())) {
            end.release();
            return Part.INVALID;
        }
        if (grpc) {
            String status = end.trailingHeaders().get(GRPC_STATUS);
            if (status != null) {
                grpcStatus = parseStatus(status);
            }
        }
        client.writeEnd(end);
        return Part.LAST;
    }

    /**
     * Whether every trailer value is free of leading and trailing whitespace (RFC 9110 §5.5): passed
     * on, a client that trims it would read another value than maitre did.
     */
    static boolean hasCleanFieldValues(HttpHeaders headers) {
        for (Map.Entry<String, String> field : headers) {
            String value = field.getValue();
            int last = value.length() - 1;
            if (last >= 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(last)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static int parseStatus(String value) {
        try {
            int status = Integer.parseInt(value);
            return status >= 0 && status <= 16 ? status : Outcome.NO_GRPC_STATUS;
        } catch (NumberFormatException e) {
            return Outcome.NO_GRPC_STATUS;
        }
    }

    /** The {@code grpc-status} that ended a gRPC call's answer; {@link Outcome#NO_GRPC_STATUS} otherwise. */
    int grpcStatus() {
        return grpcStatus;
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
