package dev.maitre.engine.http;

import dev.maitre.engine.http1.OutgoingHead;
import dev.maitre.engine.http1.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Writes the head sent to the backend from a client's request head, by copying its byte ranges:
 * hop-by-hop headers and (unless the listener allows them) underscored header names left out, the
 * body re-framed as chunked if it was, forwarding headers set, the target in origin-form with dot
 * segments resolved (an absolute-form target gives its authority as Host), HTTP/1.1 on the backend
 * side; a request asking for an upgrade the listener passes on asks the backend for it
 * ({@link Upgrades}). One per listener.
 */
final class BackendRequest {

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString HOST = HttpHeaderNames.HOST;

    private final ForwardingHeaders forwarding;
    private final boolean allowUnderscores;
    private final Upgrades upgrades;
    private final ClientCertificateHeaders certificateHeaders;

    BackendRequest(String scheme, boolean allowUnderscores) {
        this(scheme, allowUnderscores, Upgrades.WEBSOCKET, ClientCertificateHeaders.NONE);
    }

    BackendRequest(String scheme, boolean allowUnderscores, Upgrades upgrades,
                   ClientCertificateHeaders certificateHeaders) {
        this.forwarding = new ForwardingHeaders(scheme);
        this.allowUnderscores = allowUnderscores;
        this.upgrades = upgrades;
        this.certificateHeaders = certificateHeaders;
    }


    /**
     * Whether the request names no host, so that the backend's address must be sent as {@code Host}
     * once the backend is chosen.
     */
    static boolean hostFromBackend(ClientRequest request, RequestTarget target) {
        String host = target.host(request);
        return host == null || host.isEmpty();
    }

    /**
     * The head for the backend of {@code request}, received from {@code hop}.
     *
     * @param backendHost the backend's address, sent as {@code Host} when the client named none; null otherwise
     * @param client the client connection, asked for its TLS session only when the listener passes a
     *     client certificate on
     */
    OutgoingHead encode(ClientRequest request, RequestTarget target, ClientHop hop, String backendHost,
                        ClientSide client, ByteBufAllocator alloc) {
        RequestHead head = request.head();
        ByteBuf out = alloc.buffer(head.bytes().readableBytes() + 192);
        out.writeBytes(head.bytes(), head.methodStart(), head.methodEnd() - head.methodStart());
        out.writeByte(' ');
        String sent = target.originForm();
        if (sent.length() == head.targetEnd() - head.targetStart() && target.authority() == null) {
            // Resolving only ever shortens a target: the same length means it goes on untouched.
            out.writeBytes(head.bytes(), head.targetStart(), sent.length());
        } else {
            out.writeCharSequence(sent, StandardCharsets.ISO_8859_1);
        }
        out.writeBytes(VERSION);
        boolean connectionNames = hasConnection(head);
        boolean http10 = head.minorVersion() == 0;
        for (int i = 0; i < head.fieldCount(); i++) {
            if (HopByHopHeaders.isHopByHop(head, i, connectionNames)
                    || UnderscoredHeaders.dropped(head, i, allowUnderscores)
                    || ForwardingHeaders.replaces(head, i, hop)
                    || certificateHeaders.replaces(head, i)
                    // RFC 9110 §10.1.1: an expectation from an HTTP/1.0 client is ignored.
                    || (http10 && head.nameIs(i, HttpHeaderNames.EXPECT))
                    || (target.authority() != null && head.nameIs(i, HOST))) {
                continue;
            }
            head.copyField(i, out);
        }
        if (head.chunked()) {
            out.writeBytes(CHUNKED);
        }
        if (target.authority() != null) {
            field(out, target.authority());
        }
        String host = target.host(request);
        forwarding.write(out, head, connectionNames, hop, host == null || host.isEmpty() ? null : host);
        if (backendHost != null) {
            field(out, backendHost);
        }
        if (certificateHeaders.any()) {
            certificateHeaders.write(out, client.tlsSession());
        }
        if (request.upgrade()) {
            upgrades.write(head, out);
        }
        out.writeShort(CRLF);
        return new OutgoingHead(out, head.chunked(), request.headRequest(), request.upgrade());
    }

    private static void field(ByteBuf out, String host) {
        out.writeBytes(HOST.array(), HOST.arrayOffset(), HOST.length());
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(host, StandardCharsets.ISO_8859_1);
        out.writeShort(CRLF);
    }

    private static boolean hasConnection(RequestHead head) {
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, HttpHeaderNames.CONNECTION)) {
                return true;
            }
        }
        return false;
    }
}
